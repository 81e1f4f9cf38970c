import { CheckEntity } from './check.entity.js';
import { HostEntity } from './host.entity.js';
import { JobEntity } from './job.entity.js';
import { RunResultEntity } from './run-result.entity.js';
import { RunEntity } from './run.entity.js';
import { ScheduleEntity } from './schedule.entity.js';
import { TokenEntity } from './token.entity.js';

export const ENTITIES = [TokenEntity, HostEntity, JobEntity, RunEntity, RunResultEntity, CheckEntity, ScheduleEntity];
