import { describe, expect, it } from 'vitest';
import { TOOL_CATALOG } from './catalog.js';
import { commonRequirements } from './requirements.js';

describe(commonRequirements.name, () => {
  it('is what every job of a tool needs, also for tools whose params have no defaults', () => {
    expect(commonRequirements(TOOL_CATALOG.get('syscount')!)).toEqual(['rawTracepoint']);
    // A probe spec is required; its examples name tracepoints, uprobes and USDT probes: only BTF is common.
    expect(commonRequirements(TOOL_CATALOG.get('funccount')!)).toEqual(['btf']);
    for (const tool of TOOL_CATALOG.values()) expect(() => commonRequirements(tool)).not.toThrow();
  });
});
