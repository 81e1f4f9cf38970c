/**
 * Resolves parsed probe specs on the host (agent side): binaries to paths, wildcards to the functions of
 * the ELF symbol table or the events of tracefs, each probe checked to exist, so that a bad spec fails the
 * run with a sentence ("no symbol acc_foo in /path") before anything is loaded, never with a libbpf errno.
 */
import { readFileSync } from 'node:fs';
import {
  NotElfError, NotSupportedError, ensureTracefs, kprobesAvailable, readElfFunctions, readUsdtProbes, resolveBinaryPath, type ElfFunction,
} from '../../../bpf/src/index.js';
import { MAX_PROBES, formatProbeSpec, type ProbeSpec } from './spec.js';

/** One probe to attach; `probe` is its spec with the binary resolved (`u:/usr/lib/x86_64-linux-gnu/libc.so.6:getppid`). */
export type ResolvedProbe = { probe: string } & (
  | { type: 'tracepoint'; category: string; event: string }
  | { type: 'uprobe' | 'uretprobe'; binary: string; func: string; offset: number }
  | { type: 'usdt'; binary: string; provider: string; name: string }
  | { type: 'kprobe' | 'kretprobe'; func: string }
);

/** A spec that names nothing on this host (a missing symbol, a non-ELF file, too many matches): the run fails with this message. */
export class ProbeResolveError extends Error {
  override readonly name = 'ProbeResolveError';
}

export interface ResolveOptions {
  /** Resolve library names in this process's mappings (the library it really runs), as uprobes attach to it. */
  pid?: number;
  /** Refuse more probes than this after expansion; default MAX_PROBES. */
  maxProbes?: number;
}

const globRegExp = (pattern: string) => new RegExp(`^${pattern.replace(/[.@]/g, (c) => `\\${c}`).replaceAll('*', '.*')}$`);

/** Reads a file's functions once per run, however many specs name it. */
class HostTables {
  readonly #functions = new Map<string, ElfFunction[]>();
  #events?: string[];
  #kernelFunctions?: string[];

  functions(binary: string): ElfFunction[] {
    let list = this.#functions.get(binary);
    if (!list) {
      try {
        list = readElfFunctions(binary);
      } catch (err) {
        if (err instanceof NotElfError) throw new ProbeResolveError(err.message);
        throw new ProbeResolveError(`cannot read ${binary}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      this.#functions.set(binary, list);
    }
    return list;
  }

  /** `category:event` of every tracepoint (tracefs available_events). */
  events(): string[] {
    this.#events ??= readFileSync(`${ensureTracefs()}/available_events`, 'utf8').split('\n').filter(Boolean);
    return this.#events;
  }

  /** Kernel functions kprobes may attach to (tracefs available_filter_functions, `name [module]`). */
  kernelFunctions(): string[] {
    this.#kernelFunctions ??= readFileSync(`${ensureTracefs()}/available_filter_functions`, 'utf8')
      .split('\n')
      .map((line) => line.split(/\s/)[0])
      .filter(Boolean);
    return this.#kernelFunctions;
  }
}

function binaryPath(target: string, pid: number | undefined): string {
  try {
    return resolveBinaryPath(target, pid);
  } catch (err) {
    if (err instanceof NotSupportedError) throw new ProbeResolveError(err.message);
    throw err;
  }
}

function uprobes(spec: Extract<ProbeSpec, { type: 'uprobe' | 'uretprobe' }>, tables: HostTables, pid: number | undefined): ResolvedProbe[] {
  const binary = binaryPath(spec.target, pid);
  const functions = tables.functions(binary);
  const at = (f: ElfFunction): ResolvedProbe => ({ type: spec.type, probe: formatProbeSpec({ ...spec, target: binary, func: f.name }), binary, func: f.name, offset: f.offset });
  if (!spec.func.includes('*')) {
    // A versioned name (memcpy@GLIBC_2.14) is in .symtab as is, or in .dynsym by its base name.
    const f = functions.find((x) => x.name === spec.func) ?? functions.find((x) => x.name === spec.func.split('@')[0]);
    if (!f) throw new ProbeResolveError(`no symbol ${spec.func} in ${binary}`);
    if (f.ifunc) {
      throw new ProbeResolveError(`${spec.func} in ${binary} is an IFUNC (its implementation is chosen at run time): probe the implementation instead (e.g. ${spec.func}_avx2)`);
    }
    return [at(f)];
  }
  const re = globRegExp(spec.func);
  // Aliases (getpid, __getpid) share an address: probed once, under the first name in name order.
  const byOffset = new Map<number, ElfFunction>();
  for (const f of functions.filter((x) => !x.ifunc && re.test(x.name)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!byOffset.has(f.offset)) byOffset.set(f.offset, f);
  }
  if (!byOffset.size) throw new ProbeResolveError(`no function matching ${spec.func} in ${binary}`);
  return [...byOffset.values()].map(at);
}

function usdt(spec: Extract<ProbeSpec, { type: 'usdt' }>, pid: number | undefined): ResolvedProbe {
  const binary = binaryPath(spec.target, pid);
  let notes;
  try {
    notes = readUsdtProbes(binary);
  } catch (err) {
    if (err instanceof NotElfError) throw new ProbeResolveError(err.message);
    throw new ProbeResolveError(`cannot read ${binary}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!notes.some((n) => n.provider === spec.provider && n.name === spec.probe)) {
    throw new ProbeResolveError(`no USDT probe ${spec.provider}:${spec.probe} in ${binary}`);
  }
  return { type: 'usdt', probe: formatProbeSpec({ ...spec, target: binary }), binary, provider: spec.provider, name: spec.probe };
}

function tracepoints(spec: Extract<ProbeSpec, { type: 'tracepoint' }>, tables: HostTables): ResolvedProbe[] {
  const events = tables.events();
  const re = globRegExp(spec.event);
  const matches = events
    .filter((e) => e.startsWith(`${spec.category}:`) && re.test(e.slice(spec.category.length + 1)))
    .map((e) => e.slice(spec.category.length + 1));
  if (!matches.length) {
    const what = spec.event.includes('*') ? `no tracepoint matching ${spec.category}:${spec.event}` : `no tracepoint ${spec.category}:${spec.event}`;
    throw new ProbeResolveError(`${what} on this host`);
  }
  return matches.sort().map((event) => ({ type: 'tracepoint', probe: formatProbeSpec({ ...spec, event }), category: spec.category, event }));
}

function kprobes(spec: Extract<ProbeSpec, { type: 'kprobe' | 'kretprobe' }>, tables: HostTables): ResolvedProbe[] {
  if (!kprobesAvailable()) throw new NotSupportedError('kprobe', `${formatProbeSpec(spec)}: this kernel has no kprobes`);
  if (!spec.func.includes('*')) return [{ type: spec.type, probe: formatProbeSpec(spec), func: spec.func }];
  const re = globRegExp(spec.func);
  const names = [...new Set(tables.kernelFunctions().filter((f) => re.test(f)))].sort();
  if (!names.length) throw new ProbeResolveError(`no kernel function matching ${spec.func}`);
  return names.map((func) => ({ type: spec.type, probe: formatProbeSpec({ ...spec, func }), func }));
}

function probesOf(spec: ProbeSpec, tables: HostTables, pid: number | undefined): ResolvedProbe[] {
  switch (spec.type) {
    case 'tracepoint':
      return tracepoints(spec, tables);
    case 'usdt':
      return [usdt(spec, pid)];
    case 'kprobe':
    case 'kretprobe':
      return kprobes(spec, tables);
    default:
      return uprobes(spec, tables, pid);
  }
}

/**
 * Every probe the specs name on this host, in spec order, each once (a probe two specs match is attached
 * once). Throws ProbeResolveError with a readable reason, NotSupportedError('kprobe') for `k:`/`kr:` on a
 * host without kprobes, and refuses more than `maxProbes` probes.
 */
export function resolveProbes(specs: readonly ProbeSpec[], options: ResolveOptions = {}): ResolvedProbe[] {
  const max = options.maxProbes ?? MAX_PROBES;
  const tables = new HostTables();
  const probes = new Map<string, ResolvedProbe>();
  for (const spec of specs) {
    const found = probesOf(spec, tables, options.pid);
    for (const p of found) probes.set(p.probe, p);
    if (probes.size > max) {
      throw new ProbeResolveError(
        `${formatProbeSpec(spec)} brings the run to ${probes.size} probes, more than the ${max} a run may attach: narrow the pattern`,
      );
    }
  }
  return [...probes.values()];
}
