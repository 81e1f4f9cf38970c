import { describe, expect, it } from 'vitest';
import { parseLabels } from './target';

describe('parseLabels', () => {
  it('reads comma-separated key=value pairs, a value may hold =', () => {
    expect(parseLabels(' role=db , zone=eu-1,expr=a=b ')).toEqual({ role: 'db', zone: 'eu-1', expr: 'a=b' });
  });

  it('says what is wrong', () => {
    expect(parseLabels('role')).toBe('expected key=value, got "role"');
    expect(parseLabels('=db')).toBe('expected key=value, got "=db"');
    expect(parseLabels(' , ')).toBe('give at least one key=value');
  });
});
