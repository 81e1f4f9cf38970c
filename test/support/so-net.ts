/** The socket tools' ground-truth workload (test/fixtures/workloads/so-net.c), for their kernel tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileWorkload } from './kernel.js';
import { traceWorkload } from './tools.js';
import type { ParamsOf, ToolDefinition } from '../../libs/tools/src/definition.js';
import type { ToolImplementation } from '../../libs/tools/src/runtime/runner.js';

/** What so-net wrote to its report: the values of each key, in order. */
export class SoNetReport {
  readonly #values = new Map<string, string[]>();

  constructor(text: string) {
    for (const line of text.split('\n').filter(Boolean)) {
      const [key, value] = line.split(' ', 2) as [string, string];
      this.#values.set(key, [...(this.#values.get(key) ?? []), value]);
    }
  }

  text(key: string): string {
    const [value] = this.#values.get(key) ?? [];
    if (value === undefined) throw new Error(`so-net reported no ${key}`);
    return value;
  }

  texts(key: string): string[] {
    return this.#values.get(key) ?? [];
  }

  port(key: string): number {
    return Number(this.text(key));
  }

  ports(key: string): number[] {
    return this.texts(key).map(Number);
  }
}

/**
 * Runs so-net (`args`: its mode and counts) as the binary `comm` under `tool` with `params(pid)`, from its
 * release to its exit; returns the run with the fixture's report.
 */
export async function traceSoNet<D extends ToolDefinition<any, any>>(
  tool: ToolImplementation<D>,
  comm: string,
  args: string[],
  params: (pid: number) => Partial<ParamsOf<D>>,
) {
  const dir = mkdtempSync(join(tmpdir(), 'so-net-'));
  try {
    const reportPath = join(dir, 'report');
    const out = await traceWorkload(tool, { file: compileWorkload('so-net', comm), args: [reportPath, ...args] }, params);
    return { ...out, report: new SoNetReport(readFileSync(reportPath, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
