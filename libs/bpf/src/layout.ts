/**
 * C struct layouts declared once on the TS side, mirroring a tool's `<tool>.h`, with the C (x86-64 /
 * BPF) alignment rules: each field at a multiple of its alignment, the struct padded to its largest
 * alignment. Pure code, no native dependency.
 */

export interface FieldType<T> {
  readonly size: number;
  readonly align: number;
  read(buf: Buffer, offset: number): T;
  write(buf: Buffer, offset: number, value: T): void;
}

const int = <T>(size: number, read: FieldType<T>['read'], write: FieldType<T>['write']): FieldType<T> => ({
  size,
  align: size,
  read,
  write,
});

export const u8 = int<number>(1, (b, o) => b.readUInt8(o), (b, o, v) => void b.writeUInt8(v, o));
export const s8 = int<number>(1, (b, o) => b.readInt8(o), (b, o, v) => void b.writeInt8(v, o));
export const u16 = int<number>(2, (b, o) => b.readUInt16LE(o), (b, o, v) => void b.writeUInt16LE(v, o));
export const s16 = int<number>(2, (b, o) => b.readInt16LE(o), (b, o, v) => void b.writeInt16LE(v, o));
export const u32 = int<number>(4, (b, o) => b.readUInt32LE(o), (b, o, v) => void b.writeUInt32LE(v, o));
export const s32 = int<number>(4, (b, o) => b.readInt32LE(o), (b, o, v) => void b.writeInt32LE(v, o));
export const u64 = int<bigint>(8, (b, o) => b.readBigUInt64LE(o), (b, o, v) => void b.writeBigUInt64LE(v, o));
export const s64 = int<bigint>(8, (b, o) => b.readBigInt64LE(o), (b, o, v) => void b.writeBigInt64LE(v, o));
export const bool = int<boolean>(1, (b, o) => b.readUInt8(o) !== 0, (b, o, v) => void b.writeUInt8(v ? 1 : 0, o));

/** `char name[n]`: decoded up to the first NUL; encoding throws if the text does not fit with its NUL. */
export function char(n: number): FieldType<string> {
  return {
    size: n,
    align: 1,
    read(b, o) {
      const end = b.indexOf(0, o);
      return b.toString('utf8', o, end < 0 || end > o + n ? o + n : end);
    },
    write(b, o, v) {
      const bytes = Buffer.from(v, 'utf8');
      if (bytes.length >= n) throw new RangeError(`"${v}" does not fit in char[${n}] with its NUL`);
      b.fill(0, o, o + n);
      bytes.copy(b, o);
    },
  };
}

/** `__u8 name[n]` (or any opaque byte run): decoded as a copy. */
export function bytes(n: number): FieldType<Buffer> {
  return {
    size: n,
    align: 1,
    read: (b, o) => Buffer.from(b.subarray(o, o + n)),
    write(b, o, v) {
      if (v.length > n) throw new RangeError(`${v.length} bytes do not fit in a ${n}-byte field`);
      b.fill(0, o, o + n);
      v.copy(b, o);
    },
  };
}

export type Fields = Record<string, FieldType<any>>;
export type Decoded<F extends Fields> = { [K in keyof F]: F[K] extends FieldType<infer T> ? T : never };

export interface StructLayout<F extends Fields> extends FieldType<Decoded<F>> {
  readonly fields: F;
  /** Byte offset of each field. */
  readonly offsets: { readonly [K in keyof F]: number };
  decode(buf: Buffer, offset?: number): Decoded<F>;
  /** A zeroed buffer of `size` bytes with the given fields written (others stay zero). */
  encode(value: Partial<Decoded<F>>): Buffer;
}

/** Declares a C struct: fields in declaration order, C alignment and tail padding. Nested structs allowed. */
export function defineStruct<F extends Fields>(fields: F): StructLayout<F> {
  const offsets: Record<string, number> = {};
  let off = 0;
  let align = 1;
  for (const [name, type] of Object.entries(fields)) {
    off = Math.ceil(off / type.align) * type.align;
    offsets[name] = off;
    off += type.size;
    align = Math.max(align, type.align);
  }
  const size = Math.ceil(off / align) * align;
  const entries = Object.entries(fields);
  const read = (buf: Buffer, offset = 0): Decoded<F> => {
    if (buf.length < offset + size) throw new RangeError(`need ${size} bytes at ${offset}, have ${buf.length - offset}`);
    const out: Record<string, unknown> = {};
    for (const [name, type] of entries) out[name] = type.read(buf, offset + offsets[name]);
    return out as Decoded<F>;
  };
  const write = (buf: Buffer, offset: number, value: Partial<Decoded<F>>) => {
    for (const [name, type] of entries) {
      const v = (value as Record<string, unknown>)[name];
      if (v !== undefined) type.write(buf, offset + offsets[name], v);
    }
  };
  return {
    size,
    align,
    fields,
    offsets: offsets as { [K in keyof F]: number },
    read,
    write,
    decode: read,
    encode(value) {
      const buf = Buffer.alloc(size);
      write(buf, 0, value);
      return buf;
    },
  };
}

/** Splits a run of NUL-terminated strings (argv as the kernel lays it out) into an array. */
export function splitCStrings(buf: Buffer, count?: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < buf.length && (count === undefined || out.length < count)) {
    let end = buf.indexOf(0, start);
    if (end < 0) end = buf.length;
    out.push(buf.toString('utf8', start, end));
    start = end + 1;
  }
  return out;
}
