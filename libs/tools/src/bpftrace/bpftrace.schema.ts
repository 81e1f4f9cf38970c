import { defineTool, type ParamsOf } from '../definition.js';
import { programResultKind } from './program.js';

/** A program is one argv element of bpftrace: far below ARG_MAX (one argument may be 128 KiB on Linux). */
export const BPFTRACE_MAX_PROGRAM_BYTES = 64 * 1024;

export const bpftrace = defineTool({
  name: 'bpftrace',
  description:
    'Run a bpftrace program (admin tokens only, on hosts whose agent allows custom programs). Its hist()/lhist() maps ' +
    'become a histogram; else its count()/sum()/min()/max()/avg()/stats() maps become counts; else its printf lines ' +
    'become events (ts, line).',
  resultKind: 'counts',
  resultKindOf: (p) => programResultKind(p.program),
  adminOnly: true,
  requires: ['bpftrace', 'customPrograms'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['program'],
    properties: {
      program: {
        type: 'string',
        minLength: 1,
        maxLength: BPFTRACE_MAX_PROGRAM_BYTES,
        description:
          'bpftrace program text, run as `bpftrace -f json -e <program>` without --unsafe (no system(), signal(), override()). ' +
          'At most 64 KiB in UTF-8.',
      },
    },
  },
  check: (p) =>
    Buffer.byteLength(p.program, 'utf8') > BPFTRACE_MAX_PROGRAM_BYTES
      ? [{ field: 'params.program', message: `must not be longer than ${BPFTRACE_MAX_PROGRAM_BYTES} bytes in UTF-8` }]
      : [],
  examples: [
    { program: 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }' },
    { program: 'tracepoint:syscalls:sys_exit_read /args->ret > 0/ { @bytes = hist(args->ret); }' },
    { program: 'tracepoint:sched:sched_process_exec { printf("%d %s\\n", pid, comm); }' },
  ],
});

export type BpftraceParams = ParamsOf<typeof bpftrace>;
