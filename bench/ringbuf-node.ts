/**
 * FFI benchmark consumer: the flood object (bench/ringbuf-flood.bpf.c) consumed through libs/bpf's
 * RingBuffer on the Node event loop. The bench runs it pinned to CPU 0; it starts the flood workload
 * pinned to CPU 1 and prints one JSON line {delivered, lost, emitted, seconds}.
 *   node dist/bench/ringbuf-node.js OBJ EVENT_SIZE BURST FLOOD_BIN N [RATE]
 */
import { spawn } from 'node:child_process';
import { BpfObject, RingBuffer } from '../libs/bpf/src/index.js';

const [objPath, size, burst, flood, n, rate] = process.argv.slice(2);
if (!objPath || !size || !burst || !flood || !n) throw new Error('usage: ringbuf-node OBJ EVENT_SIZE BURST FLOOD_BIN N [RATE]');

const child = spawn('taskset', ['-c', '1', flood, n, ...(rate ? [rate] : [])], { stdio: ['pipe', 'ignore', 'inherit'] });
const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
await new Promise((r) => setTimeout(r, 50)); // taskset execs the workload in place (same pid)

const stack = new DisposableStack();
try {
  const obj = stack.use(BpfObject.open(objPath));
  obj.setRodata({ targ_pid: child.pid!, event_size: Number(size), burst: Number(burst) });
  obj.load();
  let delivered = 0;
  let sink = 0n;
  const rb = stack.use(
    RingBuffer.open(obj.map('events'), (data) => {
      sink += data.readBigUInt64LE(0); // touch the record, as a decoder would
      delivered++;
    }),
  );
  for (const link of obj.attachAll()) stack.use(link);
  rb.start();
  const t0 = performance.now();
  child.stdin!.end('x');
  await exited;
  const seconds = (performance.now() - t0) / 1000;
  while (rb.consume() > 0) {}
  const counters = obj.map('counters');
  const key = Buffer.alloc(4);
  const emitted = Number(counters.sumPerCpuU64(key));
  key.writeUInt32LE(1);
  const lost = Number(counters.sumPerCpuU64(key));
  console.log(JSON.stringify({ delivered, lost, emitted, seconds, sink: sink === 1n ? 1 : 0 }));
} finally {
  stack.dispose();
}
