import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CapabilityRepository } from './capability.repository.js';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { HeartbeatRepository } from './heartbeat.repository.js';

export const AGENT_VERSION = '0.1.0';

/** Tells the control plane, through Redis, that this host is alive and what its kernel can do. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HeartbeatService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly heartbeats: HeartbeatRepository,
    private readonly host: CapabilityRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.config.heartbeatMs);
    this.timer.unref();
    this.logger.log(`host ${this.config.hostName}: kernel ${this.host.kernel}, ${this.describeCapabilities()}`);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private describeCapabilities(): string {
    const caps = Object.entries(this.host.capabilities);
    const missing = caps.filter(([, ok]) => !ok).map(([name]) => name);
    return missing.length ? `lacks ${missing.join(', ')}` : 'all capabilities';
  }

  private async beat(): Promise<void> {
    try {
      await this.heartbeats.publish({
        name: this.config.hostName,
        labels: this.config.labels,
        kernel: this.host.kernel,
        capabilities: this.host.capabilities,
        agentVersion: AGENT_VERSION,
        at: new Date().toISOString(),
      });
    } catch (error) {
      // A missed beat is not fatal: the next one may get through; the API marks the host offline meanwhile.
      this.logger.warn(`heartbeat failed: ${(error as Error).message}`);
    }
  }
}
