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
