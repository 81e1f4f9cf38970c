import { describe, expect, it } from 'vitest';
import { parseResponse } from './llvm-symbolizer.js';

// Lines as llvm-symbolizer 14 prints them with --functions=linkage --no-inlines --output-style=JSON.
describe('parseResponse', () => {
  it('reads name and start address', () => {
    const line =
      '{"Address":"0x116d","ModuleName":"/tmp/pie","Symbol":[{"Column":73,"Discriminator":1,"FileName":"/tmp/t.c","FunctionName":"bpfleet_spin_target","Line":6,"StartAddress":"0x1169","StartFileName":"/tmp/t.c","StartLine":6}]}';
    expect(parseResponse(line)).toEqual({ name: 'bpfleet_spin_target', start: 0x1169 });
  });

  it('reports no symbol as empty, and an unreadable object as an error', () => {
    const none =
      '{"Address":"0x5","ModuleName":"x","Symbol":[{"Column":0,"Discriminator":0,"FileName":"","FunctionName":"","Line":0,"StartAddress":"","StartFileName":"","StartLine":0}]}';
    expect(parseResponse(none)).toEqual({});
    expect(parseResponse('{"Address":"0x10","Error":{"Message":"No such file or directory"},"ModuleName":"/x"}')).toEqual({
      error: 'No such file or directory',
    });
  });
});
