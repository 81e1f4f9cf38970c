import { describe, expect, it } from 'vitest';
import { parseDurationSec } from './duration.js';

describe('parseDurationSec', () => {
  it('reads seconds, minutes and hours', () => {
    expect([parseDurationSec('10s'), parseDurationSec('10'), parseDurationSec('2m'), parseDurationSec('1h')]).toEqual([10, 10, 120, 3600]);
  });

  it('refuses zero, fractions, milliseconds and words, naming -d', () => {
    for (const text of ['0s', '1.5s', '500ms', 'ten', '', '-1s']) {
      expect(() => parseDurationSec(text), text).toThrow(`-d/--duration: expected whole seconds like 10s, 2m or 1h, got "${text}"`);
    }
  });
});
