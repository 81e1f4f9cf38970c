import { Injectable, Logger } from '@nestjs/common';
import type { AuditListQueryDto, AuditListResponseDto } from '../dtos/audit.dto.js';
import { AuditRepository, type AuditEntry } from '../repositories/audit.repository.js';
import { CryptoRepository } from '../repositories/crypto.repository.js';
import { TokenRepository } from '../repositories/token.repository.js';
import { invalidField } from '../utils/errors.js';

const DEFAULT_PAGE_SIZE = 50;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Denied: no or a bad token, a missing scope, over the rate limit. */
const DENIED = new Set([401, 403, 429]);

/**
 * One request as the audit log keeps it. `bearer` is the Authorization header of a request refused before
 * the token was looked up (the rate limiter's 429): the log still names the token behind it, if any.
 */
export type AuditedRequest = AuditEntry & { bearer?: string };

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly auditRepository: AuditRepository,
    private readonly tokenRepository: TokenRepository,
    private readonly cryptoRepository: CryptoRepository,
  ) {}

  /** Whether a request is audited: every mutating request, and every denied one whatever its method. */
  isAudited(method: string, status: number): boolean {
    return MUTATING.has(method) || DENIED.has(status);
  }

  /**
   * Records the request if it is audited. Never throws and never delays the answer: an audit write that fails
   * (Postgres away) is logged with what it would have recorded.
   */
  record({ bearer, ...entry }: AuditedRequest): void {
    if (!this.isAudited(entry.method, entry.status)) return;
    this.identify(entry, bearer)
      .then((identified) => this.auditRepository.insert(identified))
      .catch((error: Error) => {
        this.logger.error(`audit entry lost (${error.message}): ${JSON.stringify({ ...entry, params: undefined })}`);
      });
  }

  private async identify(entry: AuditEntry, bearer: string | undefined): Promise<AuditEntry> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(bearer ?? '')?.[1];
    if (entry.tokenId || !token) return entry;
    const found = await this.tokenRepository.getByHash(this.cryptoRepository.sha256(token));
    return found ? { ...entry, tokenId: found.id, tokenName: found.name } : entry;
  }

  async list(query: AuditListQueryDto): Promise<AuditListResponseDto> {
    let afterId: string | undefined;
    if (query.cursor !== undefined) {
      afterId = decodeAuditCursor(query.cursor);
      if (!afterId || !(await this.auditRepository.exists(afterId))) throw invalidField('cursor', 'is not a cursor returned by this API');
    }
    const { items, hasMore } = await this.auditRepository.list(query.limit ?? DEFAULT_PAGE_SIZE, afterId);
    return {
      items: items.map((item) => ({ ...item, at: item.at.toISOString() })),
      nextCursor: hasMore ? Buffer.from(`a:${items[items.length - 1].id}`).toString('base64url') : null,
    };
  }
}

function decodeAuditCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString();
  return /^a:\d{1,19}$/.test(decoded) ? decoded.slice(2) : undefined;
}
