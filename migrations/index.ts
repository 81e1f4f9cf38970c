import { Initial1732600000000 } from './1732600000000-Initial.js';
import { TagsAndChecks1764400000000 } from './1764400000000-TagsAndChecks.js';
import { Fleet1764500000000 } from './1764500000000-Fleet.js';
import { ScheduleState1764600000000 } from './1764600000000-ScheduleState.js';
import { TokensAndAudit1764700000000 } from './1764700000000-TokensAndAudit.js';
import { ResultStreams1764800000000 } from './1764800000000-ResultStreams.js';

/** Listed explicitly (no globs): ESM builds and vitest load them the same way. Append, never reorder. */
export const MIGRATIONS = [Initial1732600000000, TagsAndChecks1764400000000, Fleet1764500000000, ScheduleState1764600000000, TokensAndAudit1764700000000, ResultStreams1764800000000];
