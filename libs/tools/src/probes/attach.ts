/**
 * Attaching resolved probes to a generic object's programs: one precompiled program per attach type,
 * each probe attached with its index in the resolved list as its BPF cookie (bpf_get_attach_cookie(), or
 * bpf_usdt_cookie() for USDT), so one program tells every probe apart without any generated code.
 */
import type { BpfLink, BpfObject } from '../../../bpf/src/index.js';
import type { ResolvedProbe } from './resolve.js';
import type { ProbeType } from './spec.js';

/** The object's program for each probe type it supports (e.g. uprobe and uretprobe may share one). */
export type ProbePrograms = Partial<Record<ProbeType, string>>;

/** Loads only the programs these probes use (the others, e.g. a kprobe program on a host without kprobes, stay unloaded). */
export function loadProgramsFor(obj: BpfObject, probes: readonly ResolvedProbe[], programs: ProbePrograms): void {
  const used = new Set(probes.map((p) => programFor(p, programs)));
  for (const program of obj.programs()) program.setAutoload(used.has(program.name));
}

function programFor(probe: ResolvedProbe, programs: ProbePrograms): string {
  const name = programs[probe.type];
  if (!name) throw new Error(`this tool cannot attach ${probe.type} probes (${probe.probe})`);
  return name;
}

/**
 * Attaches every probe, cookie = its index. Uprobes and USDT probes with `pid` only go into that process.
 * All or nothing: when one attach fails, the links already made are closed before the error is thrown.
 */
export function attachProbes(obj: BpfObject, probes: readonly ResolvedProbe[], programs: ProbePrograms, pid?: number): BpfLink[] {
  const links: BpfLink[] = [];
  try {
    probes.forEach((probe, index) => {
      const program = obj.program(programFor(probe, programs));
      const cookie = BigInt(index);
      switch (probe.type) {
        case 'tracepoint':
          links.push(program.attachTracepoint(probe.category, probe.event, { cookie }));
          break;
        case 'uprobe':
        case 'uretprobe':
          links.push(program.attachUprobe({ binary: probe.binary, offset: probe.offset, retprobe: probe.type === 'uretprobe', pid, cookie }));
          break;
        case 'usdt':
          links.push(program.attachUsdt({ binary: probe.binary, provider: probe.provider, name: probe.name, pid, cookie }));
          break;
        default:
          links.push(program.attachKprobe(probe.func, { retprobe: probe.type === 'kretprobe', cookie }));
      }
    });
  } catch (err) {
    for (const link of links.reverse()) link.close();
    throw err;
  }
  return links;
}
