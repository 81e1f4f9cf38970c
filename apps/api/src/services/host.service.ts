import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HOST_NAME_PATTERN, type HostHeartbeat } from '../../../../libs/contracts/src/index.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import type { HostResponseDto } from '../dtos/host.dto.js';
import { HostEntity } from '../entities/host.entity.js';
import { HostRepository } from '../repositories/host.repository.js';
import { RedisRepository } from '../repositories/redis.repository.js';

@Injectable()
export class HostService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HostService.name);
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private lastSyncOkAt = 0;
  private lastSyncError?: string;
  /** What this process last wrote to Postgres for each host: the sync skips heartbeats it has already written. */
  private readonly written = new Map<string, { description: string; at: string }>();
  /** The sync started at boot: a host list asked for at once waits for it rather than answer from an empty table. */
  private firstSync?: Promise<void>;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly hostRepository: HostRepository,
    private readonly redisRepository: RedisRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.firstSync = this.sync().catch(() => {});
    this.timer = setInterval(() => void this.sync().catch(() => {}), this.config.hostSyncIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Copies the agents' heartbeats from Redis into Postgres (see doSync). Concurrent callers share one sync. */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** True when the API's copy of heartbeats is recent enough to judge hosts offline. */
  isHeartbeatViewFresh(): boolean {
    return Date.now() - this.lastSyncOkAt < this.config.hostOfflineSec * 1000;
  }

  async list(labels?: Record<string, string>): Promise<HostResponseDto[]> {
    await this.firstSync;
    const hosts = await this.hostRepository.getAll(labels);
    return hosts.map((host) => this.toDto(host));
  }

  /**
   * The named hosts for scheduling: each with its latest heartbeat (read for these names only) laid over what
   * Postgres has, and a host Postgres does not know yet made from its heartbeat, so a host that just came up is
   * schedulable. A name with no heartbeat in Redis keeps Postgres' row (it is known; its last heartbeat says if it is online). Writes only
   * hosts new to Postgres: a dispatch costs the same in a fleet of ten or ten thousand hosts.
   */
  async getForScheduling(names: string[]): Promise<HostEntity[]> {
    const [beats, stored] = await Promise.all([this.heartbeatsForScheduling(names), this.hostRepository.getByNames(names)]);
    return this.withHeartbeats(stored, beats, () => true);
  }

  /**
   * Every known host whose labels include all of `labels` (every host without `labels`), by name, judged on its
   * latest heartbeat (every heartbeat, read at once) laid over what Postgres has, as {@link getForScheduling} does.
   */
  async select(labels?: Record<string, string>): Promise<HostEntity[]> {
    const [beats, stored] = await Promise.all([this.heartbeatsForScheduling(), this.hostRepository.getAll(labels)]);
    const matches = (hostLabels: Record<string, string>) => !labels || Object.entries(labels).every(([key, value]) => hostLabels[key] === value);
    const hosts = await this.withHeartbeats(stored, beats, matches);
    return hosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  isOnline(host: HostEntity): boolean {
    return Date.now() - host.lastSeen.getTime() < this.config.hostOfflineSec * 1000;
  }

  /**
   * Copies into Postgres the heartbeats that differ from what this process last wrote there: a new host or a
   * changed description gets the full upsert, a host that only beat again gets its `last_seen` moved (a narrow
   * UPDATE). Agents beat every few seconds and this runs every `hostSyncIntervalMs`, so most hosts have not
   * beaten since the last sync and cost nothing.
   */
  private async doSync(): Promise<void> {
    try {
      const beats = await this.readHeartbeats();
      const described: HostHeartbeat[] = [];
      const beaten: HostHeartbeat[] = [];
      for (const beat of beats) {
        const last = this.written.get(beat.name);
        const sameDescription = last?.description === describe(beat);
        if (sameDescription && last?.at === beat.at) continue;
        (sameDescription ? beaten : described).push(beat);
      }
      await this.write(described);
      if (beaten.length > 0) {
        const moved = new Set(await this.hostRepository.touchLastSeen(beaten.map((beat) => ({ name: beat.name, at: beat.at }))));
        for (const beat of beaten) {
          if (moved.has(beat.name)) this.written.set(beat.name, { description: describe(beat), at: beat.at });
          // Its row is gone (deleted behind this process' back): the next sync writes it whole.
          else this.written.delete(beat.name);
        }
      }
      this.lastSyncOkAt = Date.now();
      this.lastSyncError = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.lastSyncError) this.logger.warn(`heartbeat sync failed: ${message}`);
      this.lastSyncError = message;
      throw error;
    }
  }

  /** Upserts these heartbeats whole and remembers them as written. */
  private async write(beats: HostHeartbeat[]): Promise<void> {
    if (beats.length === 0) return;
    await this.hostRepository.upsertHeartbeats(beats);
    for (const beat of beats) this.written.set(beat.name, { description: describe(beat), at: beat.at });
  }

  /** As {@link readHeartbeats}, but with Redis away the hosts are judged on what Postgres has (logged). */
  private heartbeatsForScheduling(names?: string[]): Promise<HostHeartbeat[]> {
    return this.readHeartbeats(names).catch((error: Error) => {
      this.logger.warn(`reading heartbeats for scheduling failed, judging hosts on their last synced state: ${error.message}`);
      return [];
    });
  }

  /**
   * The usable heartbeats of `names` (every host's without `names`), malformed ones skipped and logged: one bad
   * agent must not hide the fleet. Throws when Redis does not answer.
   */
  private async readHeartbeats(names?: string[]): Promise<HostHeartbeat[]> {
    const raw = names ? await this.redisRepository.readHeartbeatsOf(names) : await this.redisRepository.readHeartbeats();
    const beats: HostHeartbeat[] = [];
    for (const [field, value] of Object.entries(raw)) {
      const beat = parseHeartbeat(field, value);
      if (typeof beat === 'string') this.logger.warn(`ignoring heartbeat of "${field}": ${beat}`);
      else beats.push(beat);
    }
    return beats;
  }

  /**
   * The `stored` hosts and the heartbeat hosts that `matches` (by their heartbeat's labels when they have one),
   * each judged on its latest heartbeat. Hosts Postgres did not know are written first, so every host a run is
   * made for has its row (the reaper judges running runs by it).
   */
  private async withHeartbeats(
    stored: HostEntity[],
    beats: HostHeartbeat[],
    matches: (labels: Record<string, string>) => boolean,
  ): Promise<HostEntity[]> {
    const byName = new Map(stored.map((host) => [host.name, host]));
    const fresh = new Map(beats.map((beat) => [beat.name, beat]));
    const hosts = stored.filter((host) => !fresh.has(host.name));
    const unknown = beats.filter((beat) => !byName.has(beat.name) && matches(beat.labels));
    if (unknown.length > 0) {
      await this.write(unknown);
      hosts.push(...(await this.hostRepository.getByNames(unknown.map((beat) => beat.name))));
    }
    for (const beat of beats) {
      const host = byName.get(beat.name);
      if (host && matches(beat.labels)) hosts.push(withHeartbeat(host, beat));
    }
    return hosts;
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

/** The parts of a heartbeat other than its time: when they change, the host's row is written whole. */
const describe = (beat: HostHeartbeat) => JSON.stringify([beat.labels, beat.kernel, beat.capabilities, beat.agentVersion]);

/**
 * `host` as its heartbeat describes it; `last_seen` only moves forward and never into the future, as the sync
 * writes it (see HostRepository.upsertHeartbeats).
 */
function withHeartbeat(host: HostEntity, beat: HostHeartbeat): HostEntity {
  const at = Math.min(Date.parse(beat.at), Date.now());
  return Object.assign(new HostEntity(), host, {
    labels: beat.labels,
    kernel: beat.kernel,
    capabilities: beat.capabilities,
    agentVersion: beat.agentVersion,
    lastSeen: new Date(Math.max(host.lastSeen.getTime(), at)),
  });
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
  if (beat.name !== field) return `name "${beat.name}" does not match its key's host`;
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
