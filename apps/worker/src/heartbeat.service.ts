import type { CapabilityRepository } from './capability.repository.js';
import type { WorkerConfig } from './config.js';
import type { HeartbeatRepository } from './heartbeat.repository.js';
import type { Logger } from './logger.js';

export const AGENT_VERSION = '0.1.0';

/** Tells the control plane, through Redis, that this host is alive, how it is labelled and what its kernel can do. */
export class HeartbeatService {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: Pick<WorkerConfig, 'hostName' | 'labels' | 'heartbeatMs'>,
    private readonly heartbeats: HeartbeatRepository,
    private readonly host: CapabilityRepository,
    private readonly logger: Logger,
  ) {}

  /** Beats once now (so the host is online before its queue is consumed), then every `heartbeatMs`. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.config.heartbeatMs);
    this.timer.unref();
    this.logger.info(`host ${this.config.hostName}: kernel ${this.host.kernel}, ${this.describeCapabilities()}, ${this.describeLabels()}`);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private describeCapabilities(): string {
    const caps = Object.entries(this.host.capabilities);
    const missing = caps.filter(([, ok]) => !ok).map(([name]) => name);
    return missing.length ? `lacks ${missing.join(', ')}` : 'all capabilities';
  }

  private describeLabels(): string {
    const pairs = Object.entries(this.config.labels).map(([key, value]) => `${key}=${value}`);
    return pairs.length ? `labels ${pairs.join(',')}` : 'no labels';
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
