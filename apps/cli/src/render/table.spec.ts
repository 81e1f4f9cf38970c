import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('pads each column to its widest cell, right-aligning where asked, and trims line ends', () => {
    const text = renderTable([{ title: 'name' }, { title: 'n', align: 'right' }, { title: 'note' }], [
      ['read', 3, ''],
      ['getppid', 2000, null],
      ['x', undefined, ['a', 1]],
    ]);
    expect(text).toBe(['name        n  note', 'read        3', 'getppid  2000', 'x              a 1'].join('\n'));
  });

  it('keeps a row on one line when a cell holds line breaks or tabs', () => {
    expect(renderTable([{ title: 'comm' }], [['a\nb\tc']])).toBe('comm\na b c');
  });

  it('is the header alone without rows', () => {
    expect(renderTable([{ title: 'a' }, { title: 'b' }], [])).toBe('a  b');
  });
});
