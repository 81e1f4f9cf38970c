import { describe, expect, it } from 'vitest';
import { newSigningKey, readSignature, signatureMatches, signMessage } from './signing.js';

const KEY = Buffer.alloc(32, 7).toString('base64url');

/** What the API gets: the message as BullMQ stores and parses it. */
const throughRedis = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function verifies(message: unknown, key = KEY): boolean {
  const read = readSignature(message);
  if (typeof read === 'string') return false;
  return signatureMatches(read.body, read.host, read.mac, key);
}

describe('agent message signatures', () => {
  it('makes 32-byte keys, base64url', () => {
    const key = newSigningKey();
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('verifies a message that went through JSON, whatever its values', () => {
    const message = {
      type: 'succeeded',
      runId: 'f7b6c1de-3c4a-4c55-9a57-3a4b2f6f0c11',
      result: { kind: 'counts', counts: { '10': 1, '2': 3, b: 0.1 + 0.2, a: -0, big: 1e300, tiny: 5e-324 } },
      text: 'ünïcode \u0000 \ud800 "quoted"',
      nested: [[1, [2, [3]]], { z: null, y: undefined }],
    };
    expect(verifies(throughRedis(signMessage(message, 'db-1', KEY)))).toBe(true);
  });

  it('rejects a changed field, another host, another key, and no signature', () => {
    const signed = throughRedis(signMessage({ type: 'running', runId: 'r1', at: '2026-01-01T00:00:00.000Z' }, 'db-1', KEY));
    expect(verifies({ ...signed, runId: 'r2' })).toBe(false);
    expect(verifies({ ...signed, extra: 1 })).toBe(false);
    expect(verifies({ ...signed, signature: { ...signed.signature, host: 'db-2' } })).toBe(false);
    expect(verifies(signed, Buffer.alloc(32, 8).toString('base64url'))).toBe(false);
    expect(verifies({ ...signed, signature: { ...signed.signature, mac: signed.signature.mac.slice(0, 10) } })).toBe(false);
    expect(readSignature({ type: 'running', runId: 'r1' })).toBe('unsigned');
    expect(readSignature({ type: 'running', signature: { host: 'db-1' } })).toBe('signature without host or mac');
    expect(readSignature('x')).toBe('not an object');
  });

  it('binds the host: the same message signed for two hosts has two MACs', () => {
    const message = { type: 'running', runId: 'r1' };
    expect(signMessage(message, 'a', KEY).signature.mac).not.toBe(signMessage(message, 'b', KEY).signature.mac);
  });
});
