/** Redis' own account of the fleet's load: INFO sections, CLIENT LIST, per-command counters, the keys of a queue. */
import type { Redis } from 'ioredis';

/** One INFO section (or all of them) as field → value. */
export async function info(redis: Redis, section = 'everything'): Promise<Record<string, string>> {
  const text = await redis.info(section);
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}

/** Calls per command so far (INFO commandstats: `cmdstat_hset:calls=…,usec=…`). */
export async function commandCalls(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const calls = new Map<string, { calls: number; usec: number }>();
  for (const [key, value] of Object.entries(await info(redis, 'commandstats'))) {
    const c = /calls=(\d+)/.exec(value);
    const u = /usec=(\d+)/.exec(value);
    if (c && u) calls.set(key.replace(/^cmdstat_/, ''), { calls: Number(c[1]), usec: Number(u[1]) });
  }
  return calls;
}

/** Redis' CPU seconds so far (user + system, main thread and background). */
export async function redisCpuSec(redis: Redis): Promise<number> {
  const cpu = await info(redis, 'cpu');
  return Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys);
}

export interface ClientGroup {
  what: string;
  count: number;
}

/**
 * The connected clients, grouped by what they are: a subscriber (`cmd=subscribe`), a BullMQ worker blocked on its
 * marker (`cmd=bzpopmin`), or a command connection (anything else), each split by its connection name when it has one.
 */
export async function clientGroups(redis: Redis): Promise<ClientGroup[]> {
  const groups = new Map<string, number>();
  for (const line of String(await redis.client('LIST')).split('\n')) {
    if (!line.trim()) continue;
    const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1] ?? '';
    const cmd = field('cmd');
    const kind = cmd === 'subscribe' ? 'pub/sub subscriber' : cmd === 'bzpopmin' ? 'BullMQ worker, blocked on its queue marker' : 'command connection';
    const raw = field('name');
    // BullMQ names a worker's connection `<prefix>:<base64 of the queue name>`; agents name their subscriber by host.
    const name = /^[^:]+:[A-Za-z0-9+/=]+$/.test(raw) ? '<prefix>:<queue, base64>' : raw.replace(/(sim|real|agent)-\d+$/, '$1-N');
    const key = name ? `${kind} (name ${name})` : kind;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([what, count]) => ({ what, count })).sort((a, b) => b.count - a.count);
}

/** Total MEMORY USAGE (bytes) and count of the keys matching `pattern`. */
export async function keysMemory(redis: Redis, pattern: string): Promise<{ keys: number; bytes: number }> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      keys++;
      bytes += Number(await redis.memory('USAGE', key, 'SAMPLES', '0')) || 0;
    }
  } while (cursor !== '0');
  return { keys, bytes };
}
