/**
 * Bench helper: one catalog tool in a process of its own, as the agent runs it (params validated and
 * defaulted like the agent does, then the tool's runner from `loadTool`).
 *   node dist/bench/tool-helper.js hold <tool> ['<params json>']
 *     Prints "attached <ms since process start>" once every probe is attached, runs until SIGTERM/SIGINT, then
 *     prints one JSON line: `{ "summary": {…}, "stats": {…} }` (the run's stats, e.g. symbolization time).
 *   node dist/bench/tool-helper.js attach <tool> '<params json>' K
 *     K runs in this process, each detached as soon as it is attached: one JSON line per run,
 *     `{ "run": i, "runnerMs": …, "stats": {…} }`, the time from calling the runner to onAttached and the run's
 *     stats (loadMs, attachMs) (run 0 pays the first-use costs: libbpf dlopen, koffi; the later ones are the
 *     agent's steady state).
 */
import type { ToolResult } from '../libs/contracts/src/index.js';
import { TOOL_CATALOG } from '../libs/tools/src/catalog.js';
import { loadTool } from '../libs/tools/src/runners.js';
import { validateParams } from '../libs/tools/src/validate-params.js';

const [mode, name, json, count] = process.argv.slice(2);
if ((mode !== 'hold' && mode !== 'attach') || !name) throw new Error("usage: tool-helper hold <tool> ['<params json>'] | attach <tool> '<params json>' K");
const definition = TOOL_CATALOG.get(name);
if (!definition) throw new Error(`unknown tool ${name}; the catalog has ${[...TOOL_CATALOG.keys()].join(', ')}`);
const params: unknown = JSON.parse(json ?? '{}');
const errors = validateParams(definition, params);
if (errors.length) throw new Error(`invalid params: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
const tool = (await loadTool(name))!;

/** A few figures of the result, to show the run saw something; the result itself can be megabytes. */
function summary(result: ToolResult): Record<string, number> {
  switch (result.kind) {
    case 'histogram':
      return { count: result.count };
    case 'stacks':
      return { stacks: result.stacks.length, total: result.total };
    case 'events':
      return { events: result.total, dropped: result.dropped };
    case 'counts':
      return { rows: result.rows.length, total: result.total };
  }
}

/**
 * Pause between measured runs: re-attaching a probe whose last one was removed less than an RCU grace period ago
 * waits for that grace period (see runqlat-helper.ts), which an agent, whose runs are not milliseconds apart, never sees.
 */
const settle = () => new Promise((r) => setTimeout(r, 100));

if (mode === 'attach') {
  for (let i = 0; i < Number(count ?? 5); i++) {
    let attachedAt = 0;
    const t0 = performance.now();
    // A fresh params object per run, as each job brings its own.
    const { stats } = await tool.run({ params: structuredClone(params), durationMs: 0, signal: new AbortController().signal, onAttached: () => (attachedAt = performance.now()) });
    console.log(JSON.stringify({ run: i, runnerMs: attachedAt - t0, stats }));
    await settle();
  }
  process.exit(0);
}

const ac = new AbortController();
process.on('SIGTERM', () => ac.abort());
process.on('SIGINT', () => ac.abort());
const out = await tool.run({
  params,
  durationMs: 3_600_000,
  signal: ac.signal,
  onAttached: () => console.log(`attached ${performance.now().toFixed(1)}`),
});
console.log(JSON.stringify({ summary: summary(out.result), stats: out.stats }));
