import { bytes, char, defineStruct, s32, splitCStrings, u32, u64 } from '../../../bpf/src/index.js';
import type { EventsResult } from '../../../contracts/src/index.js';
import { streamEvents } from '../runtime/events.js';
import { defineRunner } from '../runtime/runner.js';
import { taskFilterRodata } from '../runtime/task-filter.js';
import { execsnoop, type ExecsnoopParams } from './execsnoop.schema.js';

/** Mirrors `struct event` of execsnoop.h up to `args` (its last field): the fixed part of a record. */
export const ExecEventHead = defineStruct({
  ts: u64,
  pid: u32,
  ppid: u32,
  uid: u32,
  retval: s32,
  args_count: s32,
  args_size: u32,
  comm: char(16),
  filename: char(256),
});
/** Mirrors the whole `struct event` of execsnoop.h (`args` is char[60 * 128]). */
export const ExecEvent = defineStruct({ ...ExecEventHead.fields, args: bytes(60 * 128) });
/** EVENT_BASE_SIZE: a record is this fixed part plus `args_size` bytes of NUL-separated argv. */
const ARGS_OFFSET = ExecEvent.offsets.args;

/**
 * Decodes one ring-buffer record (the BPF side sends only the used part of `args`). Reads the record
 * in place and returns only strings and numbers, so it is safe on a view that dies after the callback.
 */
export function decodeExecEvent(buf: Buffer) {
  const e = ExecEventHead.decode(buf);
  const end = Math.min(buf.length, ARGS_OFFSET + e.args_size);
  const args = splitCStrings(buf.subarray(ARGS_OFFSET, end), e.args_count);
  if (e.args_count > args.length) args.push('...');
  return { ...e, args };
}

const NAME_MAX_LEN = 32;

/** The rodata config of execsnoop.bpf.c for these params. */
export function execsnoopConfig(p: ExecsnoopParams) {
  const name = p.nameContains ? Buffer.from(p.nameContains, 'utf8') : undefined;
  if (name && name.length >= NAME_MAX_LEN) throw new RangeError(`nameContains is longer than ${NAME_MAX_LEN - 1} bytes`);
  return {
    ...taskFilterRodata({ uid: p.uid, cgroup: p.cgroup }),
    failed_only: p.failedOnly,
    name_len: name?.length ?? 0,
    name_contains: name,
    max_args: p.maxArgs,
  };
}

const COLUMNS: EventsResult['columns'] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'pid', type: 'int' },
  { name: 'ppid', type: 'int' },
  { name: 'uid', type: 'int' },
  { name: 'comm', type: 'string' },
  { name: 'filename', type: 'string' },
  { name: 'args', type: 'string[]' },
  { name: 'ret', type: 'int' },
];

/**
 * execsnoop: one row per execve/execveat, `ts` an ISO wall-clock timestamp, `args` the captured argv with
 * a final `...` when more arguments than `maxArgs` were passed, `ret` the syscall's return (negative errno
 * on failure). Attaches the syscalls:sys_{enter,exit}_execve(at) tracepoints (tracefs is mounted if
 * missing). `dropped` / `lostEvents` count execs that matched the filters but were not reported: over the
 * per-second bound (`maxEventsPerSec`) or not fitting in the ring buffer.
 */
export default defineRunner(execsnoop, {
  layouts: { execs: { value: ExecEvent } },
  rodata: execsnoopConfig,
  collector: () =>
    streamEvents(COLUMNS, (record, clock) => {
      const e = decodeExecEvent(record);
      return { ts: clock.iso(e.ts), pid: e.pid, ppid: e.ppid, uid: e.uid, comm: e.comm, filename: e.filename, args: e.args, ret: e.retval };
    }),
});
