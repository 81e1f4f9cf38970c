import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BpfObject, bpfObjectPath } from '../../bpf/src/index.js';
import { cgroupV2Root } from '../../../test/support/cgroup.js';
import { describeKernel, linksOf, loadedPrograms } from '../../../test/support/kernel.js';
import { runTool } from '../../../test/support/tools.js';
import { CATALOG } from './catalog.js';
import { loadTool } from './runners.js';
import { validateParams } from './validate-params.js';

/**
 * The kernel half of every catalog entry, as one table against the compiled objects: the runtime module
 * implements its own definition, every rodata name it builds exists in the object, every TS layout has the
 * size of the map's key/value in the object, a short run returns the declared result kind with the common
 * stats, and no program or link outlives the run.
 */
describeKernel('the catalog against its compiled BPF objects', () => {
  for (const { definition } of CATALOG) {
    it(`${definition.name}: rodata names, map layouts, result kind, stats, nothing left in the kernel`, async () => {
      const tool = (await loadTool(definition.name))!;
      expect(tool.definition).toBe(definition);

      // A tool with no BPF object of its own (bpftrace compiles the caller's program) has nothing to inspect; a
      // tool with required params (a probe spec, a program) runs its first example, the others `{}`.
      const objectName = tool.objectName;
      const runParams = definition.paramsSchema.required ? definition.examples[0] : {};
      const programNames: string[] = [];
      if (objectName) {
        expect(existsSync(join(import.meta.dirname, definition.name, `${objectName}.bpf.c`)), `${definition.name}'s object source`).toBe(true);
        using obj = BpfObject.open(bpfObjectPath(objectName));
        const vars = new Set(obj.rodataVars().map((v) => v.name));
        for (const example of [...(definition.paramsSchema.required ? [] : [{}]), ...definition.examples]) {
          const params = structuredClone(example) as Record<string, unknown>;
          expect(validateParams(definition, params)).toEqual([]);
          // An example's cgroup is a typical v2 host's path: here, the cgroup v2 hierarchy this host has.
          if (params.cgroup !== undefined) params.cgroup = cgroupV2Root();
          for (const name of Object.keys(tool.rodata(params as never))) expect(vars, `${definition.name} rodata`).toContain(name);
        }
        for (const [map, layout] of Object.entries(tool.layouts)) {
          if (layout.key) expect(layout.key.size, `${map} key`).toBe(obj.map(map).keySize);
          if (layout.value) expect(layout.value.size, `${map} value`).toBe(obj.map(map).valueSize);
        }
        programNames.push(...obj.programs().map((p) => p.name));
      }

      // Only this run's programs: others of the same name may be loaded by another run on this machine.
      const before = new Set<number>(loadedPrograms(programNames).keys());
      let during: number[] = [];
      const out = await runTool(tool, runParams, {
        durationMs: 300,
        onAttached: () => {
          during = [...loadedPrograms(programNames).keys()].filter((id) => !before.has(id));
        },
      });
      expect(out.result.kind).toBe(definition.resultKindOf(runParams));
      expect(out.stats).toMatchObject({
        loadMs: expect.any(Number),
        attachMs: expect.any(Number),
        tracedMs: expect.any(Number),
        lostEvents: expect.any(Number),
      });
      // bpftrace's programs belong to its process, which the run waits for (libs/bpf runner tests).
      if (!objectName) return;
      expect(during.length).toBeGreaterThan(0);
      // The kernel frees programs after an RCU grace period: poll briefly.
      const left = () => [...loadedPrograms(programNames).keys()].filter((id) => during.includes(id));
      for (let i = 0; i < 50 && (left().length > 0 || linksOf(during).length > 0); i++) await new Promise((r) => setTimeout(r, 50));
      expect(left()).toEqual([]);
      expect(linksOf(during)).toEqual([]);
    });
  }
});
