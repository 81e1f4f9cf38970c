import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HOST_NAME_PATTERN, type HostHeartbeat } from '../../../../libs/contracts/src/index.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import type { HostResponseDto } from '../dtos/host.dto.js';
import type { HostEntity } from '../entities/host.entity.js';
import { HostRepository } from '../repositories/host.repository.js';
import { RedisRepository } from '../repositories/redis.repository.js';

@Injectable()
export class HostService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HostService.name);
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private lastSyncOkAt = 0;
  private lastSyncError?: string;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly hostRepository: HostRepository,
    private readonly redisRepository: RedisRepository,
  ) {}

  onApplicationBootstrap(): void {
    void this.sync().catch(() => {});
    this.timer = setInterval(() => void this.sync().catch(() => {}), this.config.hostSyncIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Copies the agents' heartbeats from Redis into Postgres. Concurrent callers share one sync.
   * Malformed heartbeats are skipped (and logged), never fatal: one bad agent must not hide the fleet.
   */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /**
   * A sync that reads Redis after this call: one already in flight may have read it before the
   * caller's host heartbeated, so sharing it could miss a host that just came up.
   */
  async syncFresh(): Promise<void> {
    await this.syncing?.catch(() => {});
    return this.sync();
  }

  /** True when the API's copy of heartbeats is recent enough to judge hosts offline. */
  isHeartbeatViewFresh(): boolean {
    return Date.now() - this.lastSyncOkAt < this.config.hostOfflineSec * 1000;
  }

  async list(labels?: Record<string, string>): Promise<HostResponseDto[]> {
    const hosts = await this.hostRepository.getAll(labels);
    return hosts.map((host) => this.toDto(host));
  }

  /** The named hosts as Postgres knows them, after pulling in the latest heartbeats. */
  async getForScheduling(names: string[]): Promise<HostEntity[]> {
    await this.syncFresh().catch((error: Error) => this.logger.warn(`heartbeat sync before scheduling failed: ${error.message}`));
    return this.hostRepository.getByNames(names);
  }

  /**
   * Every known host whose labels include all of `labels` (every host without `labels`), after pulling in the
   * latest heartbeats, by name.
   */
  async select(labels?: Record<string, string>): Promise<HostEntity[]> {
    await this.syncFresh().catch((error: Error) => this.logger.warn(`heartbeat sync before scheduling failed: ${error.message}`));
    return this.hostRepository.getAll(labels);
  }

  isOnline(host: HostEntity): boolean {
    return Date.now() - host.lastSeen.getTime() < this.config.hostOfflineSec * 1000;
  }

  private async doSync(): Promise<void> {
    try {
      const raw = await this.redisRepository.readHeartbeats();
      const beats: HostHeartbeat[] = [];
      for (const [field, value] of Object.entries(raw)) {
        const beat = parseHeartbeat(field, value);
        if (typeof beat === 'string') this.logger.warn(`ignoring heartbeat of "${field}": ${beat}`);
        else beats.push(beat);
      }
      await this.hostRepository.upsertHeartbeats(beats);
      this.lastSyncOkAt = Date.now();
      this.lastSyncError = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.lastSyncError) this.logger.warn(`heartbeat sync failed: ${message}`);
      this.lastSyncError = message;
      throw error;
    }
  }

  private toDto(host: HostEntity): HostResponseDto {
    return {
      name: host.name,
      labels: host.labels,
      status: this.isOnline(host) ? 'online' : 'offline',
      lastSeen: host.lastSeen.toISOString(),
      kernel: host.kernel,
      capabilities: host.capabilities,
    };
  }
}

/** The heartbeat, or a reason it is unusable. */
export function parseHeartbeat(field: string, value: string): HostHeartbeat | string {
  let beat: Partial<HostHeartbeat>;
  try {
    beat = JSON.parse(value);
  } catch {
    return 'not JSON';
  }
  if (typeof beat !== 'object' || beat === null) return 'not an object';
  if (beat.name !== field) return `name "${beat.name}" does not match its hash field`;
  if (!HOST_NAME_PATTERN.test(field)) return 'host name has characters outside [a-zA-Z0-9._-]';
  if (typeof beat.at !== 'string' || Number.isNaN(Date.parse(beat.at))) return '"at" is not an ISO time';
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  return {
    name: field,
    labels: isObject(beat.labels) ? beat.labels! : {},
    kernel: typeof beat.kernel === 'string' ? beat.kernel : '',
    capabilities: isObject(beat.capabilities) ? beat.capabilities! : ({} as HostHeartbeat['capabilities']),
    agentVersion: typeof beat.agentVersion === 'string' ? beat.agentVersion : '',
    at: new Date(beat.at).toISOString(),
  };
}
