import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { TokenEntity, type TokenRole } from '../entities/token.entity.js';

@Injectable()
export class TokenRepository {
  constructor(@InjectRepository(TokenEntity) private readonly tokens: Repository<TokenEntity>) {}

  getByHash(hash: string): Promise<TokenEntity | null> {
    return this.tokens.findOneBy({ hash });
  }

  /** Inserts the token unless one with the same hash exists; returns the stored row either way. */
  async ensure(name: string, role: TokenRole, hash: string): Promise<TokenEntity> {
    await this.tokens
      .createQueryBuilder()
      .insert()
      .values({ name, role, hash })
      .orIgnore()
      .execute();
    return this.tokens.findOneByOrFail({ hash });
  }
}
