import { taskFilters } from '../common-filters.js';
import { defineTool, type ParamsOf } from '../definition.js';
import { checkFilter, checkValueParam, filterSchema, valueSchema, valueSelection } from '../probes/args.js';
import { capabilitiesOf, checkProbeSpecs, parseProbeSpec, probeSpecSchema, type SpecRules } from '../probes/spec.js';
import type { ParamsError } from '../validate-params.js';

/** argdist reads one value at one probe: no wildcards. */
export const argdistSpecRules: SpecRules = { wildcards: false };

export const argdist = defineTool({
  name: 'argdist',
  description:
    'The distribution of a function argument, return value or tracepoint field at a probe (uprobe, uretprobe, tracepoint, USDT, kprobe where the host has them): a log-linear histogram, or counts per distinct value; aggregated and filtered in the kernel.',
  resultKind: 'histogram',
  resultKindOf: (p) => (p.mode === 'counts' ? 'counts' : 'histogram'),
  series: true,
  requires: (p) => ['btf', ...capabilitiesOf([p.probe], argdistSpecRules)],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      probe: {
        ...probeSpecSchema,
        description:
          'Where to read the value: a probe spec, no wildcards (t:CATEGORY:EVENT, u:BINARY_OR_LIB:FUNC, r:BINARY_OR_LIB:FUNC, usdt:BINARY:PROVIDER:PROBE, k:FUNC, kr:FUNC).',
      },
      value: {
        ...valueSchema,
        description:
          'The value: { arg: 0..5, type } an argument slot (u:/k: registers, usdt: the probe’s arguments), { arg: "retval", type } for r:/kr:, or { field, type? } a tracepoint field.',
      },
      mode: {
        enum: ['histogram', 'counts'],
        default: 'histogram',
        description: 'histogram: a log-linear histogram of the value (unit `value`, numbers ≥ 0); counts: one row per distinct value with its count (result kind `counts`).',
      },
      filter: filterSchema,
      ...taskFilters,
    },
    required: ['probe', 'value'],
  },
  check: (p): ParamsError[] => {
    const specErrors = checkProbeSpecs(p.probe, 'params.probe', argdistSpecRules);
    if (specErrors.length) return specErrors;
    const { type } = parseProbeSpec(p.probe, argdistSpecRules);
    const errors = checkValueParam(type, p.value, 'params.value');
    if (errors.length) return errors;
    if (p.mode === 'histogram' && (p.value.type === 'str' || p.value.type === 'ptr')) {
      return [{ field: 'params.value.type', message: `a histogram needs a number (s64 or u64): count ${p.value.type} values with mode counts` }];
    }
    return p.filter ? checkFilter(type, p.filter, [valueSelection(p.value)], 'params.filter') : [];
  },
  examples: [
    { probe: 't:syscalls:sys_enter_read', value: { field: 'count' }, mode: 'histogram' },
    { probe: 'u:libc:malloc', value: { arg: 0, type: 'u64' }, mode: 'counts', pid: 1, tid: 1, uid: 0, comm: 'init', cgroup: '/sys/fs/cgroup' },
    { probe: 'r:libc:read', value: { arg: 'retval', type: 's64' }, mode: 'histogram', filter: { arg: 'retval', op: '>', value: 0 }, intervalSec: 1 },
    { probe: 'usdt:/usr/bin/python3.11:python:function__entry', value: { arg: 1, type: 'str' }, mode: 'counts', intervalSec: 5 },
  ],
});

export type ArgdistParams = ParamsOf<typeof argdist>;
