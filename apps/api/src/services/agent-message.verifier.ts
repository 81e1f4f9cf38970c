import { Injectable, Logger } from '@nestjs/common';
import { readSignature, signatureMatches } from '../../../../libs/contracts/src/signing.js';
import { AgentCredentialRepository } from '../repositories/agent-credential.repository.js';
import { RunRepository } from '../repositories/run.repository.js';
import { isUuid } from '../utils/cursor.js';

/** Runs whose host is remembered: a run's host never changes, so the lookup is done once per run. */
const RUN_HOSTS_KEPT = 10_000;

/**
 * Decides whether a message on `trace-results` really comes from the agent of the run's host: it carries that
 * host's signature (see libs/contracts/src/signing.ts), made with the key the API holds for that host, and names a
 * run of that host. Everything else is rejected and logged: the results queue is writable by every agent, so
 * without this one agent could report another host's runs.
 */
@Injectable()
export class AgentMessageVerifier {
  private readonly logger = new Logger(AgentMessageVerifier.name);
  private readonly runHosts = new Map<string, string>();

  constructor(
    private readonly credentials: AgentCredentialRepository,
    private readonly runs: RunRepository,
  ) {}

  /**
   * True when `message` may be applied. Rejections are logged with the claimed host and the run. Throws when
   * Redis or Postgres cannot answer (the caller retries the message later).
   */
  async accepts(message: unknown): Promise<boolean> {
    const signed = readSignature(message);
    if (typeof signed === 'string') return this.reject(`${signed}`, message);
    const keys = await this.credentials.signingKeysOf(signed.host);
    if (keys.length === 0) return this.reject(`host ${signed.host} has no agent credential`, message);
    if (!keys.some((key) => signatureMatches(signed.body, signed.host, signed.mac, key))) {
      return this.reject(`bad signature for host ${signed.host}`, message);
    }
    const runId = signed.body.runId;
    const runHost = typeof runId === 'string' ? await this.hostOfRun(runId) : undefined;
    if (runHost === undefined) return this.reject(`from host ${signed.host}: unknown run`, message);
    if (runHost !== signed.host) return this.reject(`from host ${signed.host} for a run of host ${runHost}`, message);
    return true;
  }

  private async hostOfRun(runId: string): Promise<string | undefined> {
    const known = this.runHosts.get(runId);
    if (known) return known;
    if (!isUuid(runId)) return undefined;
    const run = await this.runs.getById(runId);
    if (!run) return undefined;
    if (this.runHosts.size >= RUN_HOSTS_KEPT) this.runHosts.delete(this.runHosts.keys().next().value!);
    this.runHosts.set(runId, run.host);
    return run.host;
  }

  private reject(reason: string, message: unknown): false {
    const { type, runId } = (typeof message === 'object' && message !== null ? message : {}) as { type?: unknown; runId?: unknown };
    this.logger.error(`rejected agent message (${String(type)} of run ${String(runId)}): ${reason}`);
    return false;
  }
}
