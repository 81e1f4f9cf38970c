import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { ApiConfig } from './config.js';
import { API_CONFIG } from './constants.js';
import { AuditController } from './controllers/audit.controller.js';
import { CheckController } from './controllers/check.controller.js';
import { CompareController } from './controllers/compare.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { HostController } from './controllers/host.controller.js';
import { JobController } from './controllers/job.controller.js';
import { LiveController } from './controllers/live.controller.js';
import { RetentionController } from './controllers/retention.controller.js';
import { RunController } from './controllers/run.controller.js';
import { ScheduleController } from './controllers/schedule.controller.js';
import { TokenController } from './controllers/token.controller.js';
import { ToolController } from './controllers/tool.controller.js';
import { dataSourceOptions } from './database/data-source.js';
import { ENTITIES } from './entities/index.js';
import { AuthGuard } from './middleware/auth.guard.js';
import { AgentCredentialRepository } from './repositories/agent-credential.repository.js';
import { AuditRepository } from './repositories/audit.repository.js';
import { CheckRepository } from './repositories/check.repository.js';
import { CryptoRepository } from './repositories/crypto.repository.js';
import { DatabaseRepository } from './repositories/database.repository.js';
import { HostRepository } from './repositories/host.repository.js';
import { JobRepository } from './repositories/job.repository.js';
import { LiveRepository } from './repositories/live.repository.js';
import { QueueRepository } from './repositories/queue.repository.js';
import { RedisRepository } from './repositories/redis.repository.js';
import { RetentionRepository } from './repositories/retention.repository.js';
import { RunEventRepository } from './repositories/run-event.repository.js';
import { RunRepository } from './repositories/run.repository.js';
import { ScheduleRepository } from './repositories/schedule.repository.js';
import { SchedulerRepository } from './repositories/scheduler.repository.js';
import { StorageRepository } from './repositories/storage.repository.js';
import { TokenRepository } from './repositories/token.repository.js';
import { AgentMessageVerifier } from './services/agent-message.verifier.js';
import { AuditService } from './services/audit.service.js';
import { AuthService } from './services/auth.service.js';
import { CheckService } from './services/check.service.js';
import { CompareService } from './services/compare.service.js';
import { HealthService } from './services/health.service.js';
import { HostService } from './services/host.service.js';
import { JobService } from './services/job.service.js';
import { LiveService } from './services/live.service.js';
import { ResultService } from './services/result.service.js';
import { RetentionService } from './services/retention.service.js';
import { RunEventService } from './services/run-event.service.js';
import { RunService } from './services/run.service.js';
import { ScheduleService } from './services/schedule.service.js';
import { TokenService } from './services/token.service.js';
import { ToolService } from './services/tool.service.js';

const repositories = [
  AgentCredentialRepository,
  AuditRepository,
  CheckRepository,
  CryptoRepository,
  DatabaseRepository,
  HostRepository,
  JobRepository,
  LiveRepository,
  QueueRepository,
  RedisRepository,
  RetentionRepository,
  RunEventRepository,
  RunRepository,
  ScheduleRepository,
  SchedulerRepository,
  StorageRepository,
  TokenRepository,
];
const services = [
  AgentMessageVerifier,
  AuditService,
  TokenService,
  AuthService,
  CheckService,
  CompareService,
  HealthService,
  HostService,
  JobService,
  LiveService,
  ResultService,
  RetentionService,
  RunEventService,
  RunService,
  ScheduleService,
  ToolService,
];

@Module({})
export class AppModule {
  /** The whole API for one validated config; tests build several with different configs. */
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Tokens must never reach a log file.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            customLogLevel: (_req, res, error) =>
              error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(config.databaseUrl), retryAttempts: 3, retryDelay: 1000 }),
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      controllers: [
        ToolController,
        HostController,
        JobController,
        LiveController,
        RetentionController,
        RunController,
        CompareController,
        CheckController,
        ScheduleController,
        TokenController,
        AuditController,
        HealthController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AuthGuard },
        ...repositories,
        ...services,
      ],
    };
  }
}
