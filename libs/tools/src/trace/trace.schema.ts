import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';
import { checkFilter, checkTraceArg, filterSchema, traceArgSchema, traceArgSelection } from '../probes/args.js';
import { capabilitiesOf, checkProbeSpecs, parseProbeSpec, probeSpecSchema, type SpecRules } from '../probes/spec.js';
import type { ParamsError } from '../validate-params.js';

/** trace names each probe exactly: one probe per entry, so its args, retval and filter belong to it. */
export const traceSpecRules: SpecRules = { wildcards: false };

/** Probes one run may trace (trace.h TRACE_MAX_PROBES). */
export const TRACE_MAX_PROBES = 32;

export const trace = defineTool({
  name: 'trace',
  description:
    'Trace hits of user functions (uprobes, return probes), tracepoints, USDT probes (and kernel functions where the host has kprobes): one row per hit with the arguments, fields and return value asked for, filtered in the kernel.',
  resultKind: 'events',
  requires: (p) => ['btf', 'ringBuffer', ...capabilitiesOf(p.probes.map((e) => e.probe), traceSpecRules)],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      probes: {
        type: 'array',
        minItems: 1,
        maxItems: TRACE_MAX_PROBES,
        description: `What to trace: up to ${TRACE_MAX_PROBES} probes, each with the values its rows show and an optional filter.`,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['probe'],
          properties: {
            probe: {
              ...probeSpecSchema,
              description:
                'A probe spec, no wildcards: t:CATEGORY:EVENT, u:BINARY_OR_LIB:FUNC, r:BINARY_OR_LIB:FUNC, usdt:BINARY:PROVIDER:PROBE, k:FUNC, kr:FUNC.',
            },
            args: {
              type: 'array',
              maxItems: 6,
              items: traceArgSchema,
              description:
                'Values each row shows in `args`, in this order: { index: 0..5, type } for u:/k: (argument registers) and usdt: (the probe’s arguments); { field, type? } for t: (a field of the event’s format).',
            },
            retval: { enum: ['s64', 'u64', 'ptr'], description: 'For r: and kr: probes: show the return value as this type in `retval`.' },
            filter: filterSchema,
          },
        },
      },
      ...taskFilters,
    },
    required: ['probes'],
  },
  check: (p) =>
    p.probes.flatMap((entry, i): ParamsError[] => {
      const at = `params.probes.${i}`;
      const specErrors = checkProbeSpecs(entry.probe, `${at}.probe`, traceSpecRules);
      if (specErrors.length) return specErrors;
      const { type } = parseProbeSpec(entry.probe, traceSpecRules);
      const args = entry.args ?? [];
      const errors = args.flatMap((a, j) => checkTraceArg(type, a, `${at}.args.${j}`));
      if (entry.retval && type !== 'uretprobe' && type !== 'kretprobe') {
        errors.push({ field: `${at}.retval`, message: 'only r: and kr: probes have a return value' });
      }
      if (entry.filter && !errors.length) {
        const values = args.map(traceArgSelection);
        if (entry.retval) values.push({ ref: { retval: true }, type: entry.retval });
        errors.push(...checkFilter(type, entry.filter, values, `${at}.filter`));
      }
      return errors;
    }),
  examples: [
    { probes: [{ probe: 't:sched:sched_process_exec', args: [{ field: 'filename' }, { field: 'pid' }] }] },
    {
      probes: [
        { probe: 't:syscalls:sys_enter_openat', args: [{ field: 'filename', type: 'str' }], filter: { field: 'filename', op: '!=', value: '/etc/ld.so.cache' } },
        { probe: 'u:libc:malloc', args: [{ index: 0, type: 'u64' }], filter: { arg: 0, op: '>=', value: 1048576 } },
        { probe: 'r:libc:malloc', retval: 'ptr' },
      ],
      pid: 1,
      tid: 1,
      uid: 0,
      comm: 'init',
      cgroup: '/sys/fs/cgroup',
      maxEventsPerSec: 100,
      maxEvents: 10_000,
    },
    {
      probes: [{ probe: 'usdt:/usr/bin/python3.11:python:function__entry', args: [{ index: 0, type: 'str' }, { index: 1, type: 'str' }, { index: 2, type: 's64' }] }],
    },
  ],
});

export type TraceParams = ParamsOf<typeof trace>;
