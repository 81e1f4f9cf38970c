import { describe, expect, it } from 'vitest';
import { markOverrun } from './overrun.js';

describe(markOverrun.name, () => {
  it('says by how much a window lasted longer than asked, beyond the tolerance', () => {
    const stats = { tracedMs: 17_250.4, lostEvents: 0 };
    markOverrun(stats, 5000);
    expect(stats).toEqual({ tracedMs: 17_250.4, lostEvents: 0, overrunMs: 12_250 });
  });

  it('leaves a window late by timer jitter, a shorter one and one never attached alone', () => {
    for (const tracedMs of [5500, 5000, 1200, undefined]) {
      const stats = { tracedMs };
      markOverrun(stats, 5000);
      expect(stats).toEqual({ tracedMs });
    }
  });
});
