import { describe, expect, it } from 'vitest';
import { parseParams, type ParamSchema } from './params.js';

/** Shaped like the catalog's schemas: syscount's filters and `by`, plus the kinds of value the tools use. */
const schema: ParamSchema = {
  type: 'object',
  properties: {
    pid: { type: 'integer' },
    comm: { type: 'string' },
    latency: { type: 'boolean' },
    ratio: { type: 'number' },
    by: { type: 'array', items: { enum: ['syscall', 'pid', 'comm'] } },
    ports: { type: 'array', items: { type: 'integer' } },
    arg: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
    stack: { enum: ['both', 'user', 'kernel'] },
  },
};

describe('parseParams', () => {
  it('types each value by the schema', () => {
    expect(parseParams(['pid=123', 'comm=007', 'latency=true', 'ratio=0.25', 'stack=user', 'arg=42'], schema)).toEqual({
      pid: 123,
      comm: '007',
      latency: true,
      ratio: 0.25,
      stack: 'user',
      arg: 42,
    });
  });

  it('collects an array from repetition and from commas, typing its items', () => {
    expect(parseParams(['by=syscall,pid', 'by=comm', 'ports=80', 'ports=443,8080'], schema)).toEqual({
      by: ['syscall', 'pid', 'comm'],
      ports: [80, 443, 8080],
    });
  });

  it('keeps text that is not a literal of the type, for the API to name the param', () => {
    expect(parseParams(['pid=12x', 'latency=yes', 'ratio=', 'arg=-x'], schema)).toEqual({ pid: '12x', latency: 'yes', ratio: '', arg: '-x' });
  });

  it('keeps everything after the first = in the value, and unknown keys as strings', () => {
    expect(parseParams(['filter=a==b', 'unknown=5'], schema)).toEqual({ filter: 'a==b', unknown: '5' });
  });

  it('refuses an option without key=value and a single-valued key given twice', () => {
    expect(() => parseParams(['pid'], schema)).toThrow('-p/--param: expected key=value like pid=123, got "pid"');
    expect(() => parseParams(['=1'], schema)).toThrow('expected key=value');
    expect(() => parseParams(['pid=1', 'pid=2'], schema)).toThrow('-p pid: given twice, but it takes one value');
  });
});
