import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  agentCredentialsKey,
  agentHeartbeatKey,
  agentIncarnationKey,
  agentRedisUser,
  HOST_NAME_PATTERN,
} from '../../../../libs/contracts/src/index.js';
import { newSigningKey } from '../../../../libs/contracts/src/signing.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import { agentAclRules } from '../utils/agent-acl.js';

/**
 * One agent's credential, as handed to it once (the file BPFLEET_AGENT_CREDENTIALS_FILE names): its own Redis ACL
 * user and password, and the key it signs its messages with.
 */
export interface AgentCredential {
  host: string;
  redisUser: string;
  redisPassword: string;
  signingKey: string;
}

/** What the API keeps of a credential: the password only as the SHA-256 Redis itself keeps (`ACL SETUSER #hash`). */
interface StoredCredential {
  redisUser: string;
  passwordSha256: string;
  signingKey: string;
  createdAt: string;
  /** The key it replaced, still accepted until {@link PREVIOUS_KEY_GRACE_MS} after `createdAt`. */
  previousSigningKey?: string;
}

/** How long signing keys looked up are trusted before they are read again (a revoked key works this long at most). */
const KEY_CACHE_MS = 5000;

/**
 * How long the key a new credential replaced still verifies messages: those the agent signed before the change may
 * still wait on the results queue (the API was down, Postgres away). Its Redis user is gone at once, so only a
 * holder of another Redis credential could still use it; a suspected leak calls for a revoke, which ends both.
 */
const PREVIOUS_KEY_GRACE_MS = 24 * 3600 * 1000;

/**
 * Agent credentials, kept in Redis where only the API reaches them (`<prefix>:agent-credentials`, a key no agent's
 * ACL covers), and each agent's Redis ACL user. Used by the API (verifying signatures, restoring ACL users) and by
 * the `agent-credentials` command that provisions and revokes agents.
 */
@Injectable()
export class AgentCredentialRepository implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AgentCredentialRepository.name);
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly keys = new Map<string, { keys: string[]; until: number }>();

  constructor(@Inject(API_CONFIG) config: Pick<ApiConfig, 'redisUrl' | 'queuePrefix'>) {
    this.prefix = config.queuePrefix;
    this.client = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectionName: 'bpfleet-api-agents' });
    this.client.on('error', () => {
      /* failing calls report it; ioredis reconnects by itself */
    });
  }

  /**
   * A new credential for `host`'s agent, replacing any it had: the ACL user gets the new password and its current
   * connections are closed, so the previous credential stops working at once. The secrets are in the answer only.
   */
  async provision(host: string): Promise<AgentCredential> {
    if (!HOST_NAME_PATTERN.test(host)) throw new Error(`host name "${host}" must match ${HOST_NAME_PATTERN}`);
    const redisPassword = randomBytes(32).toString('hex');
    const replaced = await this.client.hget(agentCredentialsKey(this.prefix), host);
    const stored: StoredCredential = {
      redisUser: agentRedisUser(this.prefix, host),
      passwordSha256: createHash('sha256').update(redisPassword).digest('hex'),
      signingKey: newSigningKey(),
      createdAt: new Date().toISOString(),
      ...(replaced ? { previousSigningKey: (JSON.parse(replaced) as StoredCredential).signingKey } : {}),
    };
    await this.client.hset(agentCredentialsKey(this.prefix), host, JSON.stringify(stored));
    await this.applyAclUser(host, stored);
    await this.client.call('CLIENT', 'KILL', 'USER', stored.redisUser).catch(() => 0);
    await this.saveAcl();
    this.keys.delete(host);
    return { host, redisUser: stored.redisUser, redisPassword, signingKey: stored.signingKey };
  }

  /**
   * Removes `host`'s credential: its ACL user (connections closed), its signing key, heartbeat and incarnation.
   * Its runs can no longer be reported. Returns false when it had none.
   */
  async revoke(host: string): Promise<boolean> {
    const removed = await this.client.hdel(agentCredentialsKey(this.prefix), host);
    await this.client.call('ACL', 'DELUSER', agentRedisUser(this.prefix, host));
    await this.client.del(agentHeartbeatKey(this.prefix, host), agentIncarnationKey(this.prefix, host));
    await this.saveAcl();
    this.keys.delete(host);
    return removed === 1;
  }

  /** The hosts that have a credential, i.e. whose agents may exist. */
  hosts(): Promise<string[]> {
    return this.client.hkeys(agentCredentialsKey(this.prefix));
  }

  /**
   * The keys a message of `host`'s agent may be signed with: its current key, and the one it replaced within
   * {@link PREVIOUS_KEY_GRACE_MS}; none when it has no credential. Cached for {@link KEY_CACHE_MS}.
   */
  async signingKeysOf(host: string): Promise<string[]> {
    const cached = this.keys.get(host);
    if (cached && cached.until > Date.now()) return cached.keys;
    const raw = await this.client.hget(agentCredentialsKey(this.prefix), host);
    const keys: string[] = [];
    if (raw) {
      const stored = JSON.parse(raw) as StoredCredential;
      keys.push(stored.signingKey);
      if (stored.previousSigningKey && Date.parse(stored.createdAt) + PREVIOUS_KEY_GRACE_MS > Date.now()) keys.push(stored.previousSigningKey);
    }
    this.keys.set(host, { keys, until: Date.now() + KEY_CACHE_MS });
    return keys;
  }

  /**
   * Re-creates every agent's ACL user from the stored credentials, with the current rules: ACL users are not in
   * Redis' data (RDB/AOF), so a Redis restarted without an ACL file has lost them. Returns how many.
   */
  async restoreAclUsers(): Promise<number> {
    const all = await this.client.hgetall(agentCredentialsKey(this.prefix));
    for (const [host, raw] of Object.entries(all)) await this.applyAclUser(host, JSON.parse(raw) as StoredCredential);
    return Object.keys(all).length;
  }

  /**
   * In the API: keeps the agents' ACL users in place, whatever happened to Redis (see {@link restoreOnEveryConnection}).
   * The provisioning command, which builds this class by hand, does not.
   */
  onApplicationBootstrap(): void {
    this.restoreOnEveryConnection();
  }

  /** Calls {@link restoreAclUsers} now and on every reconnection to Redis (which may have restarted). */
  restoreOnEveryConnection(): void {
    const restore = () =>
      this.restoreAclUsers().catch((error: Error) => this.logger.warn(`restoring the agents' Redis users failed: ${error.message}`));
    this.client.on('ready', () => void restore());
    if (this.client.status === 'ready') void restore();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private async applyAclUser(host: string, stored: StoredCredential): Promise<void> {
    await this.client.call('ACL', 'SETUSER', stored.redisUser, 'reset', 'on', `#${stored.passwordSha256}`, ...agentAclRules(this.prefix, host));
  }

  /** Writes the ACL users to Redis' ACL file when it has one; without one they are restored by the API instead. */
  private async saveAcl(): Promise<void> {
    await this.client.call('ACL', 'SAVE').catch((error: Error) => {
      if (!/ACL file/i.test(error.message)) throw error;
    });
  }
}
