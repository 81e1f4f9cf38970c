import { open } from 'node:fs/promises';

/** One `PT_LOAD` program header: where a file range is mapped in the ELF's virtual address space. */
export interface LoadSegment {
  /** p_offset: file offset of the segment. */
  offset: number;
  /** p_vaddr: link-time virtual address of the segment (0-based for PIE and shared libraries). */
  vaddr: number;
  /** p_filesz: bytes of the file in the segment. */
  filesz: number;
  /** p_flags (PF_X = 1, PF_W = 2, PF_R = 4). */
  flags: number;
}

const PT_LOAD = 1;
const ELF_MAGIC = 0x464c457f; // "\x7fELF" read little-endian
/** Bytes of the ELF header we need: e_ident .. e_phnum in ELF64 (the larger layout). */
export const ELF_HEADER_SIZE = 64;

interface PhdrTable {
  offset: number;
  entsize: number;
  count: number;
  is64: boolean;
  le: boolean;
}

/**
 * Parse the ELF header at the start of `buf` and locate its program-header table. Returns undefined
 * when `buf` is not an ELF file (or is too short). Only what program headers need is read: this is not an
 * ELF parser, the symbols themselves come from llvm-symbolizer.
 */
export function parseElfHeader(buf: Uint8Array): PhdrTable | undefined {
  if (buf.length < 52) return undefined;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (v.getUint32(0, true) !== ELF_MAGIC) return undefined;
  const cls = buf[4]; // 1 = ELF32, 2 = ELF64
  const data = buf[5]; // 1 = little-endian, 2 = big-endian
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const is64 = cls === 2;
  const le = data === 1;
  if (is64 && buf.length < ELF_HEADER_SIZE) return undefined;
  return is64
    ? { offset: Number(v.getBigUint64(0x20, le)), entsize: v.getUint16(0x36, le), count: v.getUint16(0x38, le), is64, le }
    : { offset: v.getUint32(0x1c, le), entsize: v.getUint16(0x2a, le), count: v.getUint16(0x2c, le), is64, le };
}

/** Parse the `PT_LOAD` entries of a program-header table read from the file at `table.offset`. */
export function parseLoadSegments(table: PhdrTable, phdrs: Uint8Array): LoadSegment[] {
  const v = new DataView(phdrs.buffer, phdrs.byteOffset, phdrs.byteLength);
  const { le, is64, entsize } = table;
  const out: LoadSegment[] = [];
  for (let i = 0; i < table.count && (i + 1) * entsize <= phdrs.length; i++) {
    const o = i * entsize;
    if (v.getUint32(o, le) !== PT_LOAD) continue;
    out.push(
      is64
        ? {
            flags: v.getUint32(o + 4, le),
            offset: Number(v.getBigUint64(o + 8, le)),
            vaddr: Number(v.getBigUint64(o + 16, le)),
            filesz: Number(v.getBigUint64(o + 32, le)),
          }
        : {
            offset: v.getUint32(o + 4, le),
            vaddr: v.getUint32(o + 8, le),
            filesz: v.getUint32(o + 16, le),
            flags: v.getUint32(o + 24, le),
          },
    );
  }
  return out;
}

/** Parse the load segments of a whole ELF image held in memory (header and program headers). */
export function loadSegmentsOf(image: Uint8Array): LoadSegment[] | undefined {
  const t = parseElfHeader(image);
  if (!t) return undefined;
  return parseLoadSegments(t, image.subarray(t.offset, t.offset + t.entsize * t.count));
}

/**
 * Read the `PT_LOAD` program headers of the ELF file at `path` (two small reads). Resolves undefined when
 * the file is not ELF; rejects with the fs error when it cannot be opened or read.
 */
export async function readLoadSegments(path: string): Promise<LoadSegment[] | undefined> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(ELF_HEADER_SIZE);
    const { bytesRead } = await fh.read(head, 0, ELF_HEADER_SIZE, 0);
    const t = parseElfHeader(head.subarray(0, bytesRead));
    if (!t || t.count === 0 || t.entsize === 0) return undefined;
    const phdrs = new Uint8Array(t.entsize * t.count);
    const r = await fh.read(phdrs, 0, phdrs.length, t.offset);
    return parseLoadSegments(t, phdrs.subarray(0, r.bytesRead));
  } finally {
    await fh.close();
  }
}

/**
 * Convert a file offset to the ELF virtual address llvm-symbolizer expects: find the `PT_LOAD` segment
 * whose file range holds the offset and apply `offset - p_offset + p_vaddr`. Undefined when no segment
 * holds it (the caller then falls back to the file offset itself).
 */
export function fileOffsetToVaddr(segments: readonly LoadSegment[], fileOffset: number): number | undefined {
  for (const s of segments) {
    if (fileOffset >= s.offset && fileOffset < s.offset + s.filesz) return fileOffset - s.offset + s.vaddr;
  }
  return undefined;
}
