/**
 * Bench helper: bpfleet's runqlat in a process of its own, as the agent would run it.
 *   node dist/bench/runqlat-helper.js attach K   K runs in this process: prints one JSON line per run with the
 *                                                time from calling the runner to onAttached, and a manual
 *                                                open / load / attach breakdown of the same object (opened as the runner does)
 *   node dist/bench/runqlat-helper.js hold       one run until SIGTERM/SIGINT; prints "attached <ms since
 *                                                process start>" when its probes are attached
 */
import { BpfObject, bpfObjectPath } from '../libs/bpf/src/index.js';
import runqlat, { runqlatConfig } from '../libs/tools/src/runqlat/runqlat.js';

const mode = process.argv[2];

/**
 * Pause between measured attaches. Re-attaching a tracepoint whose last probe was removed less than an
 * RCU grace period ago waits for that grace period (the kernel's tracepoint 1→0→1 transition sync, ~5-15 ms
 * on this VM): back-to-back runs would measure that wait for their own previous detach, which an agent —
 * whose runs are not milliseconds apart — never sees.
 */
const settle = () => new Promise((r) => setTimeout(r, 100));

if (mode === 'attach') {
  const runs = Number(process.argv[3] ?? 5);
  for (let i = 0; i < runs; i++) {
    // The runner, as the agent calls it: resolve the object, open, config, load, attach → onAttached.
    const ac = new AbortController();
    let attachedAt = 0;
    const t0 = performance.now();
    await runqlat.run({
      params: { unit: 'us', perPid: false, perCpu: false },
      durationMs: 0,
      signal: ac.signal,
      onAttached: () => {
        attachedAt = performance.now();
      },
    });
    const runnerMs = attachedAt - t0;
    await settle();
    // The same steps, timed one by one.
    const s0 = performance.now();
    const obj = BpfObject.open(bpfObjectPath('runqlat'), { minimizedBtf: true });
    const s1 = performance.now();
    obj.setRodata(runqlatConfig({ unit: 'us', perPid: false, perCpu: false }));
    obj.load();
    const s2 = performance.now();
    const links = obj.attachAll();
    const s3 = performance.now();
    for (const l of links) l.close();
    obj.close();
    console.log(JSON.stringify({ run: i, runnerMs, openMs: s1 - s0, loadMs: s2 - s1, attachMs: s3 - s2 }));
    await settle();
  }
} else if (mode === 'hold') {
  const ac = new AbortController();
  process.on('SIGTERM', () => ac.abort());
  process.on('SIGINT', () => ac.abort());
  const out = await runqlat.run({
    params: { unit: 'us', perPid: false, perCpu: false },
    durationMs: 3_600_000,
    signal: ac.signal,
    onAttached: () => console.log(`attached ${performance.now().toFixed(1)}`),
  });
  console.log(JSON.stringify({ count: out.result.kind === 'histogram' ? out.result.count : 0, stats: out.stats }));
} else {
  throw new Error('usage: runqlat-helper attach K | hold');
}
