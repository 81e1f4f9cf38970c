import { describe, expect, it } from 'vitest';
import { parseBaseline } from './baseline.js';

describe('parseBaseline', () => {
  it('reads tag:<tag> and job:<id>', () => {
    expect(parseBaseline('tag:main')).toEqual({ tag: 'main' });
    expect(parseBaseline('tag:release:1.2')).toEqual({ tag: 'release:1.2' });
    expect(parseBaseline('job:0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10')).toEqual({ jobId: '0b7c6a52-3f0e-4a53-9b7e-2f6d7c1b9a10' });
  });

  it('refuses anything else, naming --baseline', () => {
    for (const text of ['main', 'tag:', ':main', 'run:1']) {
      expect(() => parseBaseline(text), text).toThrow(`--baseline: expected tag:<tag> or job:<jobId>, got "${text}"`);
    }
  });
});
