import { release } from 'node:os';
import { probeCapabilities } from '../../../libs/bpf/src/capabilities.js';
import type { Capabilities } from '../../../libs/contracts/src/index.js';
import type { WorkerConfig } from './config.js';

/** The host's kernel facts, probed once at boot (they do not change while the agent runs), and what its configuration grants. */
export class CapabilityRepository {
  readonly kernel = release();
  readonly capabilities: Capabilities;

  constructor(config: Pick<WorkerConfig, 'allowCustomPrograms'>) {
    this.capabilities = { ...probeCapabilities(this.kernel), customPrograms: config.allowCustomPrograms };
  }
}
