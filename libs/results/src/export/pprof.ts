import { gzipSync } from 'node:zlib';
import { Function as PprofFunction, Label, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { StackFrame, StacksResult } from '../../../contracts/src/index.js';
import { frameName, type Stack } from '../frames.js';

/** What a stack's count measures, as pprof names it (`go tool pprof -sample_index=<type>`). */
const SAMPLE_TYPES: Record<StacksResult['unit'], { type: string; unit: string }> = {
  samples: { type: 'samples', unit: 'count' },
  us: { type: 'off_cpu', unit: 'microseconds' },
  events: { type: 'events', unit: 'count' },
};

/** A shared library's file name (`.so`, `.so.6`, `.so_1`), as pprof's own main-binary guess tells one. */
const SHARED_LIBRARY = /\.so($|[._]\d)/;

/**
 * The main binary, as pprof guesses it for the profiles it converts: the first module, heaviest stack first
 * and outermost frame first, that is neither the kernel's (bracketed) nor a shared library.
 */
function mainBinary(stacks: readonly Stack[]): string | undefined {
  for (const stack of stacks) {
    for (const { module } of stack.frames.toReversed()) if (module && !module.startsWith('[') && !SHARED_LIBRARY.test(module)) return module;
  }
  return undefined;
}

/**
 * A stacks result as a gzipped pprof profile (profile.proto), as `go tool pprof`, Parca and Pyroscope read it.
 * One sample per stack, its value the stack's count (sample type from the unit: samples/count,
 * off_cpu/microseconds, events/count); its locations innermost first. One Function and one Location per
 * distinct (module, frameName), one Mapping per module (kernel frames: `[kernel]` or `[modname]`), the main
 * binary's first (profile.proto: "mapping[0] will be the main binary"; `go tool pprof` shows it as File), all
 * marked as having function names so no tool tries to symbolize them again. Addresses are left 0: a frame's
 * offset is relative to its symbol, not an address in the mapping. Labels as perf_to_profile writes them:
 * `pid` and `tid` numeric, `comm` text. No stacks: a profile with its sample type and no samples.
 */
export function pprofProfile(result: StacksResult): Buffer {
  const tables = new ProfileTables();
  const main = mainBinary(result.stacks);
  if (main !== undefined) tables.mappingId(main);
  const samples = result.stacks.map(
    (stack) => new Sample({ locationId: stack.frames.map((frame) => tables.locationId(frame)), value: [stack.count], label: tables.labels(stack) }),
  );
  const sampleType = SAMPLE_TYPES[result.unit];
  const valueType = new ValueType({ type: tables.strings.dedup(sampleType.type), unit: tables.strings.dedup(sampleType.unit) });
  const profile = new Profile({
    sampleType: [valueType],
    sample: samples,
    mapping: [...tables.mappings.values()],
    location: [...tables.locations.values()],
    function: tables.functions,
    stringTable: tables.strings,
    // Each count is one unit of the sample type.
    periodType: valueType,
    period: 1,
    defaultSampleType: valueType.type,
  });
  return gzipSync(profile.encode());
}

/** The deduplicated tables of one profile, each entry made on first use with the next id (from 1). */
class ProfileTables {
  // Starts with "" at index 0, as profile.proto requires.
  readonly strings = new StringTable();
  readonly mappings = new Map<string, Mapping>();
  readonly functions: PprofFunction[] = [];
  readonly locations = new Map<string, Location>();

  /** 0, pprof's "no mapping", for a frame without a module. */
  mappingId(module: string | undefined): number {
    if (module === undefined) return 0;
    let mapping = this.mappings.get(module);
    if (!mapping) {
      mapping = new Mapping({ id: this.mappings.size + 1, filename: this.strings.dedup(module), hasFunctions: true });
      this.mappings.set(module, mapping);
    }
    return Number(mapping.id);
  }

  locationId(frame: StackFrame): number {
    const name = frameName(frame);
    const key = `${frame.module ?? ''}\0${name}`;
    let location = this.locations.get(key);
    if (!location) {
      const fn = new PprofFunction({ id: this.functions.length + 1, name: this.strings.dedup(name), systemName: this.strings.dedup(name) });
      this.functions.push(fn);
      location = new Location({ id: this.locations.size + 1, mappingId: this.mappingId(frame.module), line: [new Line({ functionId: fn.id })] });
      this.locations.set(key, location);
    }
    return Number(location.id);
  }

  labels(stack: Stack): Label[] {
    return [
      ...(stack.pid === undefined ? [] : [new Label({ key: this.strings.dedup('pid'), num: stack.pid })]),
      ...(stack.tid === undefined ? [] : [new Label({ key: this.strings.dedup('tid'), num: stack.tid })]),
      ...(stack.comm ? [new Label({ key: this.strings.dedup('comm'), str: this.strings.dedup(stack.comm) })] : []),
    ];
  }
}
