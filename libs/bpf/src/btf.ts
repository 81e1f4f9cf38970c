import { BpfError } from './errors.js';
import { type Ptr, koffi, libbpf } from './libbpf.js';

/** BTF kinds used here (include/uapi/linux/btf.h). */
export const BTF_KIND = {
  INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, TYPEDEF: 8, VOLATILE: 9, CONST: 10,
  RESTRICT: 11, VAR: 14, DATASEC: 15, TYPE_TAG: 18, ENUM64: 19,
} as const;

const BTF_INT_SIGNED = 1;

/** Shape of a global variable's type, enough to encode a config value into it. */
export type VarShape =
  | { kind: 'int'; size: number; signed: boolean; bool: boolean }
  | { kind: 'array'; size: number; elemSize: number }
  | { kind: 'other'; size: number };

/** A variable of a DATASEC: name, offset inside the section's data, size and shape. */
export interface SectionVar {
  name: string;
  offset: number;
  size: number;
  shape: VarShape;
}

interface RawType {
  nameOff: number;
  kind: number;
  vlen: number;
  sizeOrType: number;
  ptr: Ptr;
}

function rawType(btf: Ptr, id: number): RawType {
  const ptr = libbpf().btf__type_by_id(btf, id);
  if (!ptr) throw new BpfError('btf__type_by_id', koffi.errno() || 2, `type id ${id}`);
  const v = Buffer.from(koffi.view(ptr, 12));
  const info = v.readUInt32LE(4);
  return { nameOff: v.readUInt32LE(0), kind: (info >>> 24) & 0x1f, vlen: info & 0xffff, sizeOrType: v.readUInt32LE(8), ptr };
}

function shapeOf(btf: Ptr, typeId: number, size: number): VarShape {
  let id = typeId;
  // Strip typedef / const / volatile / restrict / type tags: `const volatile __u32` is an int.
  for (let t = rawType(btf, id); ; t = rawType(btf, id)) {
    switch (t.kind) {
      case BTF_KIND.TYPEDEF:
      case BTF_KIND.VOLATILE:
      case BTF_KIND.CONST:
      case BTF_KIND.RESTRICT:
      case BTF_KIND.TYPE_TAG:
        id = t.sizeOrType;
        continue;
      case BTF_KIND.INT: {
        const enc = Buffer.from(koffi.view(t.ptr + 12n, 4)).readUInt32LE(0);
        const bits = (enc >>> 24) & 0x0f;
        return { kind: 'int', size, signed: (bits & BTF_INT_SIGNED) !== 0, bool: (bits & 4) !== 0 };
      }
      case BTF_KIND.ENUM:
      case BTF_KIND.ENUM64:
        return { kind: 'int', size, signed: true, bool: false };
      case BTF_KIND.ARRAY: {
        // struct btf_array { type; index_type; nelems; } follows the btf_type.
        const elemType = Buffer.from(koffi.view(t.ptr + 12n, 12)).readUInt32LE(0);
        const elemSize = Number(libbpf().btf__resolve_size(btf, elemType));
        return { kind: 'array', size, elemSize };
      }
      default:
        return { kind: 'other', size };
    }
  }
}

/**
 * Lists the variables of a DATASEC (e.g. `.rodata`) from an object's BTF. `btf` is borrowed from its
 * bpf_object and valid only while the object is open. Offsets are final after bpf_object__open (libbpf
 * fixes DATASEC layouts at open). Returns an empty list when the section has no BTF.
 */
export function sectionVars(btf: Ptr, section: string): SectionVar[] {
  const lib = libbpf();
  const secId = lib.btf__find_by_name_kind(btf, section, BTF_KIND.DATASEC);
  if (secId < 0) return [];
  const sec = rawType(btf, secId);
  const infos = Buffer.from(koffi.view(sec.ptr + 12n, sec.vlen * 12));
  const vars: SectionVar[] = [];
  for (let i = 0; i < sec.vlen; i++) {
    const varId = infos.readUInt32LE(i * 12);
    const offset = infos.readUInt32LE(i * 12 + 4);
    const size = infos.readUInt32LE(i * 12 + 8);
    const v = rawType(btf, varId);
    if (v.kind !== BTF_KIND.VAR) continue;
    vars.push({ name: lib.btf__name_by_offset(btf, v.nameOff), offset, size, shape: shapeOf(btf, v.sizeOrType, size) });
  }
  return vars;
}
