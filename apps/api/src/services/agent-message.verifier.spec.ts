import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { signMessage } from '../../../../libs/contracts/src/signing.js';
import { mockOf } from '../../../../test/support/mock.js';
import { RunEntity } from '../entities/run.entity.js';
import { AgentCredentialRepository } from '../repositories/agent-credential.repository.js';
import { RunRepository } from '../repositories/run.repository.js';
import { AgentMessageVerifier } from './agent-message.verifier.js';

const KEYS: Record<string, string> = {
  a: Buffer.alloc(32, 1).toString('base64url'),
  b: Buffer.alloc(32, 2).toString('base64url'),
};
const runOfB = '0b5b7c4e-2f0a-4e43-9d0c-6c1f3a4b5c6d';
const running = { type: 'running', runId: runOfB, at: '2026-01-01T00:00:00.000Z' };

function setup() {
  const getById = vi.fn(async (id: string) => (id === runOfB ? Object.assign(new RunEntity(), { id, host: 'b' }) : null));
  const sut = new AgentMessageVerifier(
    mockOf(AgentCredentialRepository, { signingKeysOf: async (host: string) => (KEYS[host] ? [KEYS[host]] : []) }),
    mockOf(RunRepository, { getById }),
  );
  return { sut, getById };
}

describe(AgentMessageVerifier.name, () => {
  it("accepts a message of a run signed by its host's agent, and looks the run's host up once", async () => {
    const { sut, getById } = setup();
    const signed = JSON.parse(JSON.stringify(signMessage(running, 'b', KEYS.b!)));
    expect(await sut.accepts(signed)).toBe(true);
    expect(await sut.accepts(signed)).toBe(true);
    expect(getById).toHaveBeenCalledTimes(1);
  });

  it("rejects and logs host A's agent reporting a run of host B, even correctly signed by A", async () => {
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => {});
    try {
      expect(await setup().sut.accepts(signMessage(running, 'a', KEYS.a!))).toBe(false);
      expect(logged).toHaveBeenCalledWith(`rejected agent message (running of run ${runOfB}): from host a for a run of host b`);
    } finally {
      logged.mockRestore();
    }
  });

  it("rejects a message claiming host B but signed with A's key, changed after signing, unsigned, or of a host without credential", async () => {
    const { sut } = setup();
    expect(await sut.accepts(signMessage(running, 'b', KEYS.a!))).toBe(false);
    expect(await sut.accepts({ ...signMessage(running, 'b', KEYS.b!), type: 'failed', error: 'x' })).toBe(false);
    expect(await sut.accepts(running)).toBe(false);
    expect(await sut.accepts(signMessage(running, 'c', KEYS.a!))).toBe(false);
  });

  it('rejects a signed message for a run that does not exist', async () => {
    const { sut } = setup();
    expect(await sut.accepts(signMessage({ ...running, runId: '1b5b7c4e-2f0a-4e43-9d0c-6c1f3a4b5c6d' }, 'b', KEYS.b!))).toBe(false);
    expect(await sut.accepts(signMessage({ ...running, runId: 'not-a-uuid' }, 'b', KEYS.b!))).toBe(false);
  });
});
