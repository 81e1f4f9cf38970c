import { Injectable } from '@nestjs/common';
import { release } from 'node:os';
import { probeCapabilities } from '../../../libs/bpf/src/capabilities.js';
import type { Capabilities } from '../../../libs/contracts/src/index.js';

/** The host's kernel facts, probed once at boot: they do not change while the agent runs. */
@Injectable()
export class CapabilityRepository {
  readonly kernel = release();
  readonly capabilities: Capabilities = probeCapabilities(this.kernel);
}
