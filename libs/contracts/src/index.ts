export * from './capabilities.js';
export * from './messages.js';
export * from './queues.js';
export * from './results.js';
