import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES, type ResultKind } from '../../contracts/src/index.js';
import { CATALOG, TOOL_CATALOG } from './catalog.js';
import { createParamsAjv, validateParams } from './validate-params.js';

const RESULT_KINDS: ResultKind[] = ['events', 'counts', 'histogram', 'stacks'];
/** The params a tool cannot run without (bpftrace's `program`): every other param has a default or is optional. */
const requiredOf = (tool: { paramsSchema: Record<string, unknown> }) => (tool.paramsSchema.required ?? []) as string[];

/** The pure half of every catalog entry, checked as one table (the kernel half: catalog.test.ts). */
describe('the catalog', () => {
  it('lists each tool once, under the name of its folder', () => {
    expect(TOOL_CATALOG.size).toBe(CATALOG.length);
    for (const { definition } of CATALOG) {
      expect(existsSync(join(import.meta.dirname, definition.name, `${definition.name}.schema.ts`)), definition.name).toBe(true);
    }
  });

  describe.each(CATALOG.map((e) => [e.definition.name, e.definition] as const))('%s', (_name, tool) => {
    it('has a params schema that compiles in strict mode, closed at the top level', () => {
      const ajv = createParamsAjv();
      expect(() => ajv.compile(tool.paramsSchema)).not.toThrow();
      expect(tool.paramsSchema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(tool.description.length).toBeGreaterThan(20);
      expect(RESULT_KINDS).toContain(tool.resultKind);
    });

    it('accepts {} but for its required params, naming each, and refuses an unknown param naming it', () => {
      const missing = requiredOf(tool).map((name) => ({ field: 'params', message: `must have required property '${name}'` }));
      expect(validateParams(tool, {})).toEqual(missing);
      expect(validateParams(tool, { noSuchParam: 1 })).toEqual([...missing, { field: 'params.noSuchParam', message: 'is not a known parameter' }]);
    });

    it('has examples that validate as they are, needing only known capabilities', () => {
      expect(tool.examples.length).toBeGreaterThan(0);
      for (const example of [...(requiredOf(tool).length ? [] : [{}]), ...tool.examples]) {
        const params = structuredClone(example) as Record<string, unknown>;
        expect(validateParams(tool, params)).toEqual([]);
        for (const capability of tool.requires(params as never)) expect(CAPABILITIES).toContain(capability);
      }
    });
  });
});
