import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';

@Injectable()
export class CryptoRepository {
  /** 32 random bytes, base64url: 256 bits, safe in a header and a shell. */
  randomToken(): string {
    return randomBytes(32).toString('base64url');
  }

  sha256(value: string): string {
    return createHash('sha256').update(value).digest('hex');
  }
}
