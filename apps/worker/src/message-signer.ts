import { signMessage, type Signed } from '../../../libs/contracts/src/signing.js';
import type { AgentCredentials } from './credentials.js';

/** Signs every message this agent sends to the API with its host's key (see libs/contracts/src/signing.ts). */
export class MessageSigner {
  constructor(private readonly credentials: Pick<AgentCredentials, 'host' | 'signingKey'>) {}

  sign<T extends object>(message: T): Signed<T> {
    return signMessage(message, this.credentials.host, this.credentials.signingKey);
  }
}
