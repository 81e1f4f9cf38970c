import { describe, expect, it } from 'vitest';
import { ConfigError, loadWorkerConfig } from './config.js';

const base = { REDIS_URL: 'redis://127.0.0.1:6379', BPFLEET_HOST_NAME: 'h1' };

describe(loadWorkerConfig.name, () => {
  it('leaves custom programs off unless BPFLEET_ALLOW_CUSTOM_PROGRAMS=true', () => {
    expect(loadWorkerConfig(base).allowCustomPrograms).toBe(false);
    expect(loadWorkerConfig({ ...base, BPFLEET_ALLOW_CUSTOM_PROGRAMS: 'false' }).allowCustomPrograms).toBe(false);
    expect(loadWorkerConfig({ ...base, BPFLEET_ALLOW_CUSTOM_PROGRAMS: 'true' }).allowCustomPrograms).toBe(true);
  });

  it('refuses any other value at boot, naming the variable', () => {
    for (const value of ['1', 'yes', 'TRUE']) {
      expect(() => loadWorkerConfig({ ...base, BPFLEET_ALLOW_CUSTOM_PROGRAMS: value })).toThrow(ConfigError);
      expect(() => loadWorkerConfig({ ...base, BPFLEET_ALLOW_CUSTOM_PROGRAMS: value })).toThrow(/BPFLEET_ALLOW_CUSTOM_PROGRAMS must be true or false/);
    }
  });
});

describe('the agent credential', () => {
  it('is read from BPFLEET_AGENT_CREDENTIALS_FILE, by default where a node keeps it', () => {
    expect(loadWorkerConfig(base).credentialsFile).toBe('/etc/bpfleet/agent-credentials.json');
    expect(loadWorkerConfig({ ...base, BPFLEET_AGENT_CREDENTIALS_FILE: '/run/x.json' }).credentialsFile).toBe('/run/x.json');
  });
});

describe('labels', () => {
  it('reads BPFLEET_LABELS as comma-separated key=value pairs', () => {
    expect(loadWorkerConfig({ ...base, BPFLEET_LABELS: 'role=db,zone=a' }).labels).toEqual({ role: 'db', zone: 'a' });
    expect(loadWorkerConfig({ ...base, BPFLEET_LABELS: ' team/x=infra.core , rack=r-1_2 ,' }).labels).toEqual({ 'team/x': 'infra.core', rack: 'r-1_2' });
    expect(loadWorkerConfig(base).labels).toEqual({});
  });

  it('still accepts the old name, BPFLEET_HOST_LABELS', () => {
    expect(loadWorkerConfig({ ...base, BPFLEET_HOST_LABELS: 'role=db' }).labels).toEqual({ role: 'db' });
    expect(loadWorkerConfig({ ...base, BPFLEET_HOST_LABELS: 'role=db', BPFLEET_LABELS: 'role=db' }).labels).toEqual({ role: 'db' });
  });

  it('refuses both names with different values', () => {
    expect(() => loadWorkerConfig({ ...base, BPFLEET_HOST_LABELS: 'role=web', BPFLEET_LABELS: 'role=db' })).toThrow(
      'BPFLEET_LABELS and BPFLEET_HOST_LABELS (its old name) are both set and differ: set BPFLEET_LABELS only',
    );
  });

  it('refuses a malformed pair, naming the variable it came from and the pair', () => {
    const cases: [Record<string, string>, string][] = [
      [{ BPFLEET_LABELS: 'role=db,zone' }, 'BPFLEET_LABELS: "zone" is not key=value'],
      [{ BPFLEET_LABELS: 'role=' }, 'BPFLEET_LABELS: "role=" is not key=value'],
      [{ BPFLEET_LABELS: '=db' }, 'BPFLEET_LABELS: "=db" is not key=value'],
      [{ BPFLEET_LABELS: 'a=b=c' }, 'BPFLEET_LABELS: "a=b=c" is not key=value'],
      [{ BPFLEET_LABELS: 'role=data base' }, 'BPFLEET_LABELS: "role=data base" is not key=value'],
      [{ BPFLEET_LABELS: `k=${'v'.repeat(64)}` }, `BPFLEET_LABELS: "k=${'v'.repeat(64)}" is not key=value`],
      [{ BPFLEET_HOST_LABELS: 'zone:a=1' }, 'BPFLEET_HOST_LABELS: "zone:a=1" is not key=value'],
    ];
    for (const [env, message] of cases) {
      expect(() => loadWorkerConfig({ ...base, ...env })).toThrow(ConfigError);
      expect(() => loadWorkerConfig({ ...base, ...env })).toThrow(message);
    }
    expect(loadWorkerConfig({ ...base, BPFLEET_LABELS: `${'k'.repeat(63)}=${'v'.repeat(63)}` }).labels).toEqual({ ['k'.repeat(63)]: 'v'.repeat(63) });
  });

  it('refuses a key given twice', () => {
    expect(() => loadWorkerConfig({ ...base, BPFLEET_LABELS: 'role=db,role=web' })).toThrow('BPFLEET_LABELS: label "role" is given twice');
  });
});

describe('concurrency', () => {
  it('runs 2 at once unless BPFLEET_AGENT_CONCURRENCY says otherwise', () => {
    expect(loadWorkerConfig(base).concurrency).toBe(2);
    expect(loadWorkerConfig({ ...base, BPFLEET_AGENT_CONCURRENCY: '5' }).concurrency).toBe(5);
  });

  it('refuses anything but a positive integer', () => {
    for (const value of ['0', '-1', '1.5', 'two']) {
      expect(() => loadWorkerConfig({ ...base, BPFLEET_AGENT_CONCURRENCY: value })).toThrow(
        `BPFLEET_AGENT_CONCURRENCY must be a positive integer, got "${value}"`,
      );
    }
  });
});

describe('LOG_LEVEL', () => {
  it('is one of pino’s levels, info by default', () => {
    expect(loadWorkerConfig(base).logLevel).toBe('info');
    expect(loadWorkerConfig({ ...base, LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(() => loadWorkerConfig({ ...base, LOG_LEVEL: 'verbose' })).toThrow(
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
    );
  });
});

describe('chunks of events rows', () => {
  it('are 1,000 rows or 50 ms by default, with 20 chunks of rows buffered at most', () => {
    expect(loadWorkerConfig(base).chunks).toEqual({ rows: 1000, flushMs: 50, maxBufferedRows: 20_000 });
    expect(loadWorkerConfig({ ...base, BPFLEET_CHUNK_ROWS: '200', BPFLEET_CHUNK_FLUSH_MS: '10' }).chunks).toEqual({ rows: 200, flushMs: 10, maxBufferedRows: 4000 });
  });

  it('refuses chunks whose backlog chunks (5 × the rows) the API would refuse, over 10,000 rows', () => {
    expect(loadWorkerConfig({ ...base, BPFLEET_CHUNK_ROWS: '2000' }).chunks.rows).toBe(2000);
    expect(() => loadWorkerConfig({ ...base, BPFLEET_CHUNK_ROWS: '2001' })).toThrow('BPFLEET_CHUNK_ROWS must be at most 2000, got 2001');
    expect(() => loadWorkerConfig({ ...base, BPFLEET_CHUNK_FLUSH_MS: '0' })).toThrow(/BPFLEET_CHUNK_FLUSH_MS must be a positive integer/);
  });
});
