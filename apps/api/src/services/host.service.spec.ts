import { describe, expect, it, vi } from 'vitest';
import type { HostHeartbeat } from '../../../../libs/contracts/src/index.js';
import { mockOf } from '../../../../test/support/mock.js';
import type { ApiConfig } from '../config.js';
import { HostEntity } from '../entities/host.entity.js';
import { HostRepository } from '../repositories/host.repository.js';
import { RedisRepository } from '../repositories/redis.repository.js';
import { HostService } from './host.service.js';

const T0 = '2026-01-01T10:00:00.000Z';
const T1 = '2026-01-01T10:00:05.000Z';
const T2 = '2026-01-01T10:00:10.000Z';

function beat(name: string, at: string, over: Partial<HostHeartbeat> = {}): HostHeartbeat {
  return { name, labels: {}, kernel: '6.8', capabilities: { rawTracepoint: true } as HostHeartbeat['capabilities'], agentVersion: '1', at, ...over };
}

function row(name: string, lastSeen: string, over: Partial<HostEntity> = {}): HostEntity {
  return Object.assign(new HostEntity(), {
    name,
    labels: {},
    kernel: '6.8',
    capabilities: { rawTracepoint: true },
    agentVersion: '1',
    lastSeen: new Date(lastSeen),
    firstSeen: new Date(T0),
    ...over,
  });
}

const raw = (...beats: HostHeartbeat[]) => Object.fromEntries(beats.map((b) => [b.name, JSON.stringify(b)]));

function setup(redis: Partial<RedisRepository>, hosts: Partial<HostRepository>) {
  const upsertHeartbeats = vi.fn(async (_beats: HostHeartbeat[]) => {});
  const hostRepository = { upsertHeartbeats, touchLastSeen: vi.fn().mockResolvedValue([]), ...hosts };
  const sut = new HostService({ hostOfflineSec: 15 } as ApiConfig, mockOf(HostRepository, hostRepository), mockOf(RedisRepository, redis));
  return { sut, hostRepository, upsertHeartbeats };
}

describe(HostService.name, () => {
  describe('getForScheduling', () => {
    it('writes a host Postgres does not know yet and schedules it; judges a known one on its heartbeat; keeps the row of one without', async () => {
      const getByNames = vi.fn(async (names: string[]) =>
        names.join() === 'new'
          ? [row('new', T2, { firstSeen: new Date(T2) })]
          : [row('known', T0, { labels: { role: 'db' } }), row('gone', T0)],
      );
      const { sut, hostRepository } = setup(
        {
          readHeartbeatsOf: vi.fn().mockResolvedValue(
            raw(beat('new', T2), beat('known', T1, { labels: { role: 'web' }, capabilities: { rawTracepoint: false } as HostHeartbeat['capabilities'] })),
          ),
        },
        { getByNames },
      );

      const hosts = await sut.getForScheduling(['new', 'known', 'gone']);

      expect(hostRepository.upsertHeartbeats).toHaveBeenCalledExactlyOnceWith([beat('new', T2)]);
      expect(getByNames.mock.calls).toEqual([[['new', 'known', 'gone']], [['new']]]);
      const byName = Object.fromEntries(hosts.map((h) => [h.name, h]));
      expect(Object.keys(byName).sort()).toEqual(['gone', 'known', 'new']);
      expect(byName.known).toEqual(row('known', T1, { labels: { role: 'web' }, capabilities: { rawTracepoint: false } }));
      expect(byName.gone).toEqual(row('gone', T0));
      expect(byName.new).toEqual(row('new', T2, { firstSeen: new Date(T2) }));
    });

    it('never moves last seen backwards: an older heartbeat than the row keeps the row\'s time', async () => {
      const { sut } = setup({ readHeartbeatsOf: vi.fn().mockResolvedValue(raw(beat('a', T0))) }, { getByNames: vi.fn().mockResolvedValue([row('a', T2)]) });
      const [host] = await sut.getForScheduling(['a']);
      expect(host!.lastSeen).toEqual(new Date(T2));
    });

    it('with Redis away, schedules on what Postgres has', async () => {
      const { sut } = setup(
        { readHeartbeatsOf: vi.fn().mockRejectedValue(new Error('connection refused')) },
        { getByNames: vi.fn().mockResolvedValue([row('a', T0)]) },
      );
      expect(await sut.getForScheduling(['a'])).toEqual([row('a', T0)]);
    });
  });

  describe('select', () => {
    it('matches labels on the heartbeat: a host whose heartbeat no longer matches is left out, one that now matches is written and selected, by name', async () => {
      const getByNames = vi.fn().mockResolvedValue([row('c', T1, { labels: { role: 'db' } })]);
      const { sut, hostRepository } = setup(
        {
          readHeartbeats: vi.fn().mockResolvedValue(
            raw(beat('c', T1, { labels: { role: 'db' } }), beat('b', T1, { labels: { role: 'web' } }), beat('a', T1, { labels: { role: 'db', zone: 'x' } })),
          ),
        },
        {
          // Postgres still has b as a db host and c as a web one.
          getAll: vi.fn().mockResolvedValue([row('a', T0, { labels: { role: 'db' } }), row('b', T0, { labels: { role: 'db' } })]),
          getByNames,
        },
      );

      const hosts = await sut.select({ role: 'db' });

      expect(hosts.map((h) => [h.name, h.labels])).toEqual([
        ['a', { role: 'db', zone: 'x' }],
        ['c', { role: 'db' }],
      ]);
      expect(hostRepository.upsertHeartbeats).toHaveBeenCalledExactlyOnceWith([beat('c', T1, { labels: { role: 'db' } })]);
      expect(getByNames).toHaveBeenCalledExactlyOnceWith(['c']);
    });
  });

  describe('sync', () => {
    it('writes each heartbeat once: a new or changed host whole, a host that only beat again by its time, nothing for one that did not beat', async () => {
      const readHeartbeats = vi.fn();
      const touchLastSeen = vi.fn(async (beats: readonly { name: string; at: string }[]) => beats.map((b) => b.name));
      const { sut, hostRepository } = setup({ readHeartbeats }, { touchLastSeen });

      readHeartbeats.mockResolvedValueOnce(raw(beat('a', T0), beat('b', T0)));
      await sut.sync();
      expect(hostRepository.upsertHeartbeats).toHaveBeenLastCalledWith([beat('a', T0), beat('b', T0)]);

      readHeartbeats.mockResolvedValueOnce(raw(beat('a', T0), beat('b', T0)));
      await sut.sync();
      expect(hostRepository.upsertHeartbeats).toHaveBeenCalledTimes(1);
      expect(touchLastSeen).not.toHaveBeenCalled();

      readHeartbeats.mockResolvedValueOnce(raw(beat('a', T1), beat('b', T1, { labels: { role: 'db' } })));
      await sut.sync();
      expect(hostRepository.upsertHeartbeats).toHaveBeenLastCalledWith([beat('b', T1, { labels: { role: 'db' } })]);
      expect(touchLastSeen).toHaveBeenLastCalledWith([{ name: 'a', at: T1 }]);
    });

    it('writes a host whole again when its row is gone (the narrow update found no row)', async () => {
      const readHeartbeats = vi.fn().mockResolvedValue(raw(beat('a', T0)));
      const touchLastSeen = vi.fn().mockResolvedValue([]);
      const { sut, upsertHeartbeats } = setup({ readHeartbeats }, { touchLastSeen });
      await sut.sync();
      readHeartbeats.mockResolvedValue(raw(beat('a', T1)));
      await sut.sync();
      expect(touchLastSeen).toHaveBeenCalledExactlyOnceWith([{ name: 'a', at: T1 }]);
      await sut.sync();
      expect(upsertHeartbeats.mock.calls).toEqual([[[beat('a', T0)]], [[beat('a', T1)]]]);
    });
  });
});
