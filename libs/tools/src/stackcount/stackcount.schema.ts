import { commFilter, pidFilter, stackParam, tidFilter, uidFilter, cgroupFilter } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';
import { capabilitiesOf, checkProbeSpecs, probeSpecSchema, type SpecRules } from '../probes/spec.js';

/** stackcount takes one spec; a wildcard in its function or event part counts the stacks of every match. */
export const stackcountSpecRules: SpecRules = { wildcards: true };

export const stackcount = defineTool({
  name: 'stackcount',
  description:
    'Count the stacks (user and kernel) leading to a probe: a user function, a tracepoint, a USDT probe (or a kernel function where the host has kprobes); counted per stack and process in the kernel, in events.',
  resultKind: 'stacks',
  requires: (p) => ['btf', 'ringBuffer', ...capabilitiesOf([p.probe], stackcountSpecRules)],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      probe: {
        ...probeSpecSchema,
        description:
          'Where to count stacks: a probe spec (t:CATEGORY:EVENT, u:BINARY_OR_LIB:FUNC, r:BINARY_OR_LIB:FUNC, usdt:BINARY:PROVIDER:PROBE, k:FUNC, kr:FUNC), * wildcards in the function or event part; at most 1000 probes once expanded.',
      },
      stack: stackParam,
      pid: pidFilter,
      tid: tidFilter,
      uid: uidFilter,
      comm: commFilter,
      cgroup: cgroupFilter,
    },
    required: ['probe'],
  },
  check: (p) => checkProbeSpecs(p.probe, 'params.probe', stackcountSpecRules),
  examples: [
    { probe: 't:sched:sched_process_fork', stack: 'both' },
    { probe: 'u:libc:malloc', stack: 'user', pid: 1, tid: 1, uid: 0, comm: 'init', cgroup: '/sys/fs/cgroup' },
    { probe: 't:syscalls:sys_enter_*', stack: 'user' },
  ],
});

export type StackcountParams = ParamsOf<typeof stackcount>;
