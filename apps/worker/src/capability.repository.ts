import { Inject, Injectable } from '@nestjs/common';
import { release } from 'node:os';
import { probeCapabilities } from '../../../libs/bpf/src/capabilities.js';
import type { Capabilities } from '../../../libs/contracts/src/index.js';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';

/** The host's kernel facts, probed once at boot (they do not change while the agent runs), and what its configuration grants. */
@Injectable()
export class CapabilityRepository {
  readonly kernel = release();
  readonly capabilities: Capabilities;

  constructor(@Inject(WORKER_CONFIG) config: WorkerConfig) {
    this.capabilities = { ...probeCapabilities(this.kernel), customPrograms: config.allowCustomPrograms };
  }
}
