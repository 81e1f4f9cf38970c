import { describe, expect, it } from 'vitest';
import { parseThresholds } from './thresholds.js';

describe('parseThresholds', () => {
  it('histogram names with relative, absolute-time and bare limits', () => {
    const { parsed, problems } = parseThresholds('histogram', { p99: '+10%', p50: '-5%', max: '+2ms', mean: '+500us', p999: '+3', count: '+20%', p90: '+1.5 s' });
    expect(problems).toEqual([]);
    expect(parsed.map((t) => [t.name, t.metric, t.bound])).toEqual([
      ['p99', { kind: 'histogram', stat: 'p99' }, { direction: 'increase', amount: 10, unit: '%' }],
      ['p50', { kind: 'histogram', stat: 'p50' }, { direction: 'decrease', amount: 5, unit: '%' }],
      ['max', { kind: 'histogram', stat: 'max' }, { direction: 'increase', amount: 2, unit: 'ms' }],
      ['mean', { kind: 'histogram', stat: 'mean' }, { direction: 'increase', amount: 500, unit: 'us' }],
      ['p999', { kind: 'histogram', stat: 'p999' }, { direction: 'increase', amount: 3, unit: 'own' }],
      ['count', { kind: 'histogram', stat: 'count' }, { direction: 'increase', amount: 20, unit: '%' }],
      ['p90', { kind: 'histogram', stat: 'p90' }, { direction: 'increase', amount: 1.5, unit: 's' }],
    ]);
    expect(parsed[0]).toMatchObject({ name: 'p99', limit: '+10%' });
  });

  it('every malformed name or limit is a problem that says what is accepted', () => {
    const { parsed, problems } = parseThresholds('histogram', { p95: '+10%', p99: '10%', max: '+2pp', count: '+2ms', p50: '+ten%' });
    expect(parsed).toEqual([]);
    expect(problems).toEqual([
      { field: 'thresholds.p95', message: 'unknown threshold "p95": a histogram takes p50, p90, p99, p999, max, mean or count' },
      {
        field: 'thresholds.p99',
        message:
          '"10%" is not a limit for p99: use +N% or -N% (relative change), +N with ns, us, ms or s (absolute, for a histogram of time), or a bare +N (absolute, in the histogram\'s own unit)',
      },
      { field: 'thresholds.max', message: expect.stringMatching(/^"\+2pp" is not a limit for max: use \+N% or -N%/) },
      { field: 'thresholds.count', message: '"+2ms" is not a limit for count: use +N% or -N% (relative change; with -, a decrease beyond it fails)' },
      { field: 'thresholds.p50', message: expect.stringMatching(/^"\+ten%" is not a limit/) },
    ]);
  });

  it('a time limit on a histogram of something else is a problem when the unit is known', () => {
    expect(parseThresholds('histogram', { p99: '+2ms', p50: '+3' }, { unit: 'tasks' }).problems).toEqual([
      { field: 'thresholds.p99', message: '+2ms is a time, but this histogram counts tasks: use a relative limit or a bare number (in tasks)' },
    ]);
    expect(parseThresholds('histogram', { p99: '+2ms' }, { unit: 'ns' }).problems).toEqual([]);
  });

  it('counts: total or col=value selectors; unknown columns are problems when the columns are known', () => {
    const { parsed, problems } = parseThresholds('counts', { total: '+20%', 'syscall=read': '+5%', 'syscall=read,comm=a=b': '-10%' });
    expect(problems).toEqual([]);
    expect(parsed.map((t) => t.metric)).toEqual([
      { kind: 'counts', match: null },
      { kind: 'counts', match: { syscall: 'read' } },
      { kind: 'counts', match: { syscall: 'read', comm: 'a=b' } },
    ]);
    expect(parseThresholds('counts', { 'sycall=read': '+5%', read: '+5%', 'pid=1,pid=2': '+5%', 'syscall=': '+1%', 'syscall=read': '+5pp' }, { columns: ['syscall', 'pid'] }).problems).toEqual([
      { field: 'thresholds.sycall=read', message: 'no column "sycall" to select on; the columns are syscall, pid' },
      { field: 'thresholds.read', message: '"read" is not a threshold: use total, or rows selected as col=value[,col=value]' },
      { field: 'thresholds.pid=1,pid=2', message: '"pid=1,pid=2" names column pid twice: use total, or rows selected as col=value[,col=value]' },
      { field: 'thresholds.syscall=', message: '"syscall=" is not a threshold: use total, or rows selected as col=value[,col=value]' },
      { field: 'thresholds.syscall=read', message: '"+5pp" is not a limit for syscall=read: use +N% or -N% (relative change; with -, a decrease beyond it fails)' },
    ]);
    expect(parseThresholds('events', { 'comm=sh': '+50%' }).parsed[0]!.metric).toEqual({ kind: 'events', match: { comm: 'sh' } });
  });

  it('stacks: function:<symbol> and self:<symbol> with relative or percentage-point limits', () => {
    const { parsed, problems } = parseThresholds('stacks', { 'function:foo': '+5%', 'self:std::vector<int>::push_back': '+2pp', 'function:bar': '+1ms', foo: '+5%', 'function:': '+5%' });
    expect(parsed.map((t) => [t.metric, t.bound])).toEqual([
      [{ kind: 'stacks', share: 'total', symbol: 'foo' }, { direction: 'increase', amount: 5, unit: '%' }],
      [{ kind: 'stacks', share: 'self', symbol: 'std::vector<int>::push_back' }, { direction: 'increase', amount: 2, unit: 'pp' }],
    ]);
    expect(problems.map((p) => p.field)).toEqual(['thresholds.function:bar', 'thresholds.foo', 'thresholds.function:']);
    expect(problems[1]!.message).toBe(
      'unknown threshold "foo": a stacks result takes function:<symbol> (share of samples with it on the stack) or self:<symbol> (share with it innermost)',
    );
  });
});
