import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { CreatedTokenResponseDto, CreateTokenDto, TokenResponseDto } from '../dtos/token.dto.js';
import type { TokenEntity } from '../entities/token.entity.js';
import { CryptoRepository } from '../repositories/crypto.repository.js';
import { TokenRepository } from '../repositories/token.repository.js';

const DAY_MS = 24 * 3600 * 1000;
/** Makes a leaked token recognisable in logs and by secret scanners. */
const TOKEN_PREFIX = 'bpf_';

@Injectable()
export class TokenService {
  constructor(
    private readonly tokenRepository: TokenRepository,
    private readonly cryptoRepository: CryptoRepository,
  ) {}

  async create(dto: CreateTokenDto): Promise<CreatedTokenResponseDto> {
    const token = `${TOKEN_PREFIX}${this.cryptoRepository.randomToken()}`;
    const created = await this.tokenRepository.create({
      name: dto.name,
      scopes: dto.scopes,
      hash: this.cryptoRepository.sha256(token),
      expiresAt: dto.expiresInDays === undefined ? null : new Date(Date.now() + dto.expiresInDays * DAY_MS),
    });
    return { ...toTokenDto(created), token };
  }

  async list(): Promise<TokenResponseDto[]> {
    return (await this.tokenRepository.list()).map(toTokenDto);
  }

  /** Revokes at once: the next request with it is a 401. Idempotent. */
  async revoke(id: string): Promise<TokenResponseDto> {
    const token = await this.tokenRepository.getById(id);
    if (!token) throw new NotFoundException(`token ${id} not found`);
    if (token.bootstrap) {
      throw new ConflictException(`token ${id} is the admin token of BPFLEET_ADMIN_TOKEN: change the setting to replace it`);
    }
    await this.tokenRepository.revoke(id);
    return toTokenDto((await this.tokenRepository.getById(id))!);
  }
}

function toTokenDto(token: TokenEntity): TokenResponseDto {
  return {
    id: token.id,
    name: token.name,
    scopes: token.scopes,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    bootstrap: token.bootstrap,
  };
}
