import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CancelRepository } from './cancel.repository.js';
import { CancelService } from './cancel.service.js';
import { CapabilityRepository } from './capability.repository.js';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { HeartbeatRepository } from './heartbeat.repository.js';
import { HeartbeatService } from './heartbeat.service.js';
import { RedisConnection } from './redis.connection.js';
import { RunReportRepository } from './run-report.repository.js';
import { ToolRunnerRepository } from './tool-runner.repository.js';
import { TraceProcessor } from './trace.processor.js';
import { TraceService } from './trace.service.js';

@Module({})
export class WorkerModule {
  static forConfig(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { level: config.logLevel, base: { host: config.hostName } } })],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        RedisConnection,
        CapabilityRepository,
        CancelRepository,
        CancelService,
        HeartbeatRepository,
        HeartbeatService,
        RunReportRepository,
        ToolRunnerRepository,
        TraceService,
        TraceProcessor,
      ],
    };
  }
}
