import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../constants.js';
import type { Scope } from '../entities/token.entity.js';
import { CryptoRepository } from '../repositories/crypto.repository.js';
import { StorageRepository } from '../repositories/storage.repository.js';
import { TokenRepository } from '../repositories/token.repository.js';

export interface AuthContext {
  tokenId: string;
  tokenName: string;
  scopes: readonly Scope[];
}

/** Why a bearer token was refused (the 401's message). */
export type AuthFailure = 'missing' | 'invalid' | 'expired';

export const hasScope = (auth: AuthContext, scope: Scope): boolean => auth.scopes.includes(scope);

/** Where the first admin token came from; main.ts prints it so the operator can use the API. */
export interface AdminTokenInfo {
  source: 'env' | 'file' | 'generated';
  token: string;
  file?: string;
}

@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  private adminToken?: AdminTokenInfo;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly tokenRepository: TokenRepository,
    private readonly cryptoRepository: CryptoRepository,
    private readonly storageRepository: StorageRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    this.adminToken = await this.resolveAdminToken();
    await this.tokenRepository.setBootstrap(this.cryptoRepository.sha256(this.adminToken.token));
  }

  getAdminToken(): AdminTokenInfo {
    if (!this.adminToken) throw new Error('admin token not initialised yet');
    return this.adminToken;
  }

  /** The caller behind an `Authorization` header value, or why there is none (no, unknown, revoked or expired token). */
  async authenticate(authorization: string | undefined): Promise<AuthContext | AuthFailure> {
    if (authorization === undefined) return 'missing';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return 'invalid';
    const token = await this.tokenRepository.getByHash(this.cryptoRepository.sha256(match[1]));
    if (!token || token.revokedAt) return 'invalid';
    if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) return 'expired';
    return { tokenId: token.id, tokenName: token.name, scopes: token.scopes };
  }

  /** BPFLEET_ADMIN_TOKEN wins; else the token kept in `<dataDir>/admin.token`, generated on first boot. */
  private async resolveAdminToken(): Promise<AdminTokenInfo> {
    if (this.config.adminToken) return { source: 'env', token: this.config.adminToken };
    const file = join(this.config.dataDir, 'admin.token');
    const existing = (await this.storageRepository.readText(file))?.trim();
    if (existing) return { source: 'file', token: existing, file };
    const token = this.cryptoRepository.randomToken();
    try {
      await this.storageRepository.writeSecret(file, `${token}\n`);
    } catch (error) {
      // Another API process won the race: use its token.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        return { source: 'file', token: (await this.storageRepository.readText(file))!.trim(), file };
      }
      throw error;
    }
    this.logger.log(`generated the first admin token in ${file}`);
    return { source: 'generated', token, file };
  }
}
