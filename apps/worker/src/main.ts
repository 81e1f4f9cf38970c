import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadWorkerConfig } from './config.js';
import { WorkerModule } from './worker.module.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadWorkerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`bpfleet agent: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forConfig(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // SIGINT/SIGTERM abort the runs in progress, release their BPF objects and close the queue.
  app.enableShutdownHooks();
}

void main();
