import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SCOPES, TokenEntity, type Scope } from '../entities/token.entity.js';

@Injectable()
export class TokenRepository {
  constructor(@InjectRepository(TokenEntity) private readonly tokens: Repository<TokenEntity>) {}

  getByHash(hash: string): Promise<TokenEntity | null> {
    return this.tokens.findOneBy({ hash });
  }

  getById(id: string): Promise<TokenEntity | null> {
    return this.tokens.findOneBy({ id });
  }

  /**
   * The bootstrap admin token now has this hash: inserted on first boot, its hash replaced when the setting
   * changed, so the previous admin token stops working at once.
   */
  async setBootstrap(hash: string): Promise<TokenEntity> {
    await this.tokens.query(
      `INSERT INTO tokens (name, scopes, hash, bootstrap) VALUES ('admin', $1, $2, true)
       ON CONFLICT (bootstrap) WHERE bootstrap DO UPDATE SET hash = excluded.hash, revoked_at = NULL`,
      [SCOPES, hash],
    );
    return this.tokens.findOneByOrFail({ bootstrap: true });
  }

  async create(input: { name: string; scopes: Scope[]; hash: string; expiresAt: Date | null }): Promise<TokenEntity> {
    const [row] = await this.tokens.query(
      `INSERT INTO tokens (name, scopes, hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
      [input.name, input.scopes, input.hash, input.expiresAt],
    );
    return this.tokens.findOneByOrFail({ id: row.id });
  }

  /** Every token, newest first (revoked ones too: the audit log names them). */
  list(): Promise<TokenEntity[]> {
    return this.tokens.find({ order: { createdAt: 'DESC' } });
  }

  /** Revokes the token now; false when it was already revoked. */
  async revoke(id: string): Promise<boolean> {
    const [, updated] = await this.tokens.query(`UPDATE tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
    return updated > 0;
  }
}
