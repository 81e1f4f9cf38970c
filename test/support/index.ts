export * from './api.js';
export * from './database.js';
export * from './env.js';
export * from './redis.js';
export * from './wait.js';
