import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';
import { capabilitiesOf, checkProbeSpecs, probeSpecListSchema, type SpecRules } from '../probes/spec.js';

/** funccount counts every function or event a wildcard matches (`u:libc:malloc*`, `t:sched:*`). */
export const funccountSpecRules: SpecRules = { wildcards: true };

export const funccount = defineTool({
  name: 'funccount',
  description:
    'Count calls of user functions (uprobes), tracepoints, USDT probes (and kernel functions where the host has kprobes), named by probe specs with * wildcards; counted in the kernel, one row per probe.',
  resultKind: 'counts',
  series: true,
  requires: (p) => ['btf', ...capabilitiesOf(p.probes, funccountSpecRules)],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      probes: {
        ...probeSpecListSchema,
        description:
          'What to count: probe specs (t:CATEGORY:EVENT, u:BINARY_OR_LIB:FUNC, r:BINARY_OR_LIB:FUNC, usdt:BINARY:PROVIDER:PROBE, k:FUNC, kr:FUNC), * wildcards in the function or event part; at most 1000 probes once expanded.',
      },
      ...taskFilters,
    },
    required: ['probes'],
  },
  check: (p) => checkProbeSpecs(p.probes, 'params.probes', funccountSpecRules),
  examples: [
    { probes: ['t:sched:sched_process_fork', 't:sched:sched_process_exec'] },
    { probes: ['u:libc:getpid', 't:syscalls:sys_enter_getppid'], pid: 1, tid: 1, uid: 0, comm: 'init', cgroup: '/sys/fs/cgroup' },
    { probes: ['usdt:/usr/bin/python3.11:python:function__entry'], intervalSec: 10 },
  ],
});

export type FunccountParams = ParamsOf<typeof funccount>;
