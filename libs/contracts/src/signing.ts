import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Agent → API messages carry the sending host's HMAC, so a message put on the shared results queue by anyone but
 * that host's agent (another agent, anyone else who reaches Redis) is told apart and rejected.
 *
 * Not exported from the package index: it needs node:crypto, and the index is also read by the browser code.
 */

/** What a signed message carries besides its own fields. */
export interface MessageSignature {
  /** The host whose agent signed it. */
  host: string;
  /** HMAC-SHA256, base64url, of {@link signedBytes}. */
  mac: string;
}

export type Signed<T extends object> = T & { signature: MessageSignature };

/** Domain separation: a MAC made for this purpose is worth nothing anywhere else. */
const CONTEXT = 'bpfleet agent message v1';

/** A new agent signing key: 32 random bytes, base64url (43 characters). */
export function newSigningKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The bytes the MAC covers: the context, the host and the message without its `signature`, as JSON. JSON.stringify
 * of what JSON.parse made of JSON.stringify(x) is JSON.stringify(x) again (key order, numbers, strings survive the
 * round trip), so the API computes the same bytes from the message BullMQ hands it.
 */
function signedBytes(host: string, body: object): string {
  return `${CONTEXT}\n${host}\n${JSON.stringify(body)}`;
}

function mac(key: string, host: string, body: object): Buffer {
  return createHmac('sha256', Buffer.from(key, 'base64url')).update(signedBytes(host, body)).digest();
}

/** `message` with the signature of `host`'s agent, made with its signing key (see {@link newSigningKey}). */
export function signMessage<T extends object>(message: T, host: string, key: string): Signed<T> {
  return { ...message, signature: { host, mac: mac(key, host, message).toString('base64url') } };
}

/**
 * The message's claimed signer and the message without its signature, or why it cannot be a signed message.
 * Says nothing about whether the signature is right: see {@link signatureMatches}.
 */
export function readSignature(message: unknown): { host: string; mac: string; body: Record<string, unknown> } | string {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'not an object';
  const { signature, ...body } = message as Record<string, unknown>;
  if (typeof signature !== 'object' || signature === null) return 'unsigned';
  const { host, mac: given } = signature as Partial<MessageSignature>;
  if (typeof host !== 'string' || typeof given !== 'string') return 'signature without host or mac';
  return { host, mac: given, body };
}

/** Whether `givenMac` is `host`'s MAC of `body` under `key` (compared in constant time). */
export function signatureMatches(body: object, host: string, givenMac: string, key: string): boolean {
  const expected = mac(key, host, body);
  const given = Buffer.from(givenMac, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
