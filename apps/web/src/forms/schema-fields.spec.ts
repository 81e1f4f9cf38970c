import { describe, expect, it } from 'vitest';
import { draftOf, errorsByControl, fieldsOf, paramsOf } from './schema-fields';

// Shapes of the real catalog: syscount (booleans, a multiple choice), tcpconnect (a list of ports),
// runqlat (an enum without a type), trace (an array of objects), bpftrace (a long program).
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['probes'],
  properties: {
    pid: { type: 'integer', minimum: 1, maximum: 4194304, description: 'Only this process (tgid).' },
    comm: { type: 'string', maxLength: 15 },
    latency: { type: 'boolean', default: false },
    perPid: { type: 'boolean', default: true },
    by: { type: 'array', items: { enum: ['syscall', 'pid', 'comm'] }, default: ['syscall'] },
    dport: { type: 'array', items: { type: 'integer', minimum: 1 } },
    unit: { enum: ['us', 'ms'], default: 'us' },
    arg: { enum: [0, 1, 'retval'] },
    probes: { type: 'array', items: { type: 'object', properties: { probe: { type: 'string' } } } },
    program: { type: 'string', maxLength: 65536 },
  },
};

describe('fieldsOf', () => {
  it('gives each property its control, in schema order', () => {
    const fields = fieldsOf(schema);
    expect(fields.map((f) => [f.name, f.kind, f.integer, f.required])).toEqual([
      ['pid', 'number', true, false],
      ['comm', 'text', false, false],
      ['latency', 'boolean', false, false],
      ['perPid', 'boolean', false, false],
      ['by', 'multi-enum', false, false],
      ['dport', 'list', true, false],
      ['unit', 'enum', false, false],
      ['arg', 'enum', false, false],
      ['probes', 'json', false, true],
      ['program', 'textarea', false, false],
    ]);
    expect(fields[0]).toMatchObject({ minimum: 1, maximum: 4194304, description: 'Only this process (tgid).' });
    expect(fields[4]!.options).toEqual(['syscall', 'pid', 'comm']);
    expect(fields[7]!.options).toEqual([0, 1, 'retval']);
  });

  it('has no fields for a schema without properties', () => {
    expect(fieldsOf({ type: 'object' })).toEqual([]);
  });
});

describe('draftOf and paramsOf', () => {
  const fields = fieldsOf(schema);

  it('starts from the defaults of checkboxes and choices, and sends nothing untouched', () => {
    const draft = draftOf(fields);
    expect(draft).toEqual({
      pid: '',
      comm: '',
      latency: false,
      perPid: true,
      by: ['syscall'],
      dport: '',
      unit: '',
      arg: '',
      probes: '',
      program: '',
    });
    expect(paramsOf(fields, draft)).toEqual({ params: { by: ['syscall'] }, problems: {} });
  });

  it('types what was entered: numbers, lists, enum values of any type, JSON', () => {
    const draft = {
      ...draftOf(fields),
      pid: ' 42 ',
      comm: 'nginx',
      latency: true,
      perPid: false,
      by: ['syscall', 'comm'],
      dport: '80, 443,',
      unit: '"ms"',
      arg: '1',
      probes: '[{"probe": "t:syscalls:sys_enter_openat"}]',
    };
    expect(paramsOf(fields, draft)).toEqual({
      params: {
        pid: 42,
        comm: 'nginx',
        latency: true,
        perPid: false,
        by: ['syscall', 'comm'],
        dport: [80, 443],
        unit: 'ms',
        arg: 1,
        probes: [{ probe: 't:syscalls:sys_enter_openat' }],
      },
      problems: {},
    });
  });

  it('sends text that is not a number as written, for the API to name; refuses JSON that does not parse', () => {
    const draft = { ...draftOf(fields), pid: '4x', dport: '80, http', probes: '[{' };
    const outcome = paramsOf(fields, draft);
    expect(outcome.params).toEqual({ pid: '4x', dport: [80, 'http'], by: ['syscall'] });
    expect(Object.keys(outcome.problems)).toEqual(['probes']);
    expect(outcome.problems.probes).toMatch(/^is not valid JSON: /);
  });

  it('fills the controls from an example, round trip', () => {
    const example = { pid: 1, latency: true, by: ['pid'], dport: [22, 80], unit: 'ms', probes: [{ probe: 'k:vfs_read' }] };
    const draft = draftOf(fields, example);
    expect(draft).toMatchObject({ pid: '1', latency: true, by: ['pid'], dport: '22, 80', unit: '"ms"' });
    expect(paramsOf(fields, draft).params).toEqual(example);
  });
});

describe('errorsByControl', () => {
  it('puts each API problem beside its control', () => {
    expect(
      errorsByControl([
        { field: 'params.pid', message: 'must be >= 1' },
        { field: 'params.probes.0.probe', message: 'must NOT have fewer than 1 characters' },
        { field: 'params.probes.1', message: 'must be object' },
        { field: 'hosts', message: 'unknown host nope' },
        { field: 'durationSec', message: 'must not be greater than 3600' },
        { field: 'params', message: 'must be an object' },
      ]),
    ).toEqual({
      pid: 'must be >= 1',
      probes: '0.probe: must NOT have fewer than 1 characters; 1: must be object',
      hosts: 'unknown host nope',
      durationSec: 'must not be greater than 3600',
      params: 'must be an object',
    });
  });
});
