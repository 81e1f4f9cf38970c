import koffi, { type TypeObject } from 'koffi';

/** Opaque native pointer as koffi 3 represents it (`0n` is NULL). */
export type Ptr = bigint;

/**
 * Raw koffi declarations of the libbpf.so.1 and libc functions bpfleet uses, loaded lazily on first use
 * and then kept for the life of the process. Internal to libs/bpf: callers use the typed wrappers
 * (BpfObject, BpfMap, RingBuffer). Every function here follows libbpf 1.x conventions: pointer-returning
 * calls return NULL and set errno; int-returning calls return a negative errno.
 */
export interface Native {
  libbpf_set_print(fn: Ptr | null): Ptr;
  libbpf_num_possible_cpus(): number;
  bpf_object__open_file(path: string, opts: OpenOpts | null): Ptr;
  bpf_object__load(obj: Ptr): number;
  bpf_object__close(obj: Ptr): void;
  bpf_object__btf(obj: Ptr): Ptr;
  bpf_object__find_program_by_name(obj: Ptr, name: string): Ptr;
  bpf_object__find_map_by_name(obj: Ptr, name: string): Ptr;
  bpf_object__next_program(obj: Ptr, prev: Ptr | null): Ptr;
  bpf_object__next_map(obj: Ptr, prev: Ptr | null): Ptr;
  bpf_program__name(prog: Ptr): string;
  bpf_program__section_name(prog: Ptr): string;
  bpf_program__fd(prog: Ptr): number;
  bpf_program__set_autoload(prog: Ptr, autoload: boolean): number;
  bpf_program__attach(prog: Ptr): Ptr;
  bpf_program__attach_uprobe_opts(prog: Ptr, pid: number, binary: string, funcOffset: number, opts: UprobeOpts): Ptr;
  bpf_program__attach_usdt(prog: Ptr, pid: number, binary: string, provider: string, name: string, opts: UsdtOpts): Ptr;
  bpf_program__attach_perf_event(prog: Ptr, pfd: number): Ptr;
  bpf_program__attach_kprobe_opts(prog: Ptr, func: string, opts: KprobeOpts): Ptr;
  bpf_program__attach_tracepoint_opts(prog: Ptr, category: string, name: string, opts: TracepointOpts): Ptr;
  bpf_program__type(prog: Ptr): number;
  libbpf_probe_bpf_prog_type(progType: number, opts: null): number;
  libbpf_probe_bpf_map_type(mapType: number, opts: null): number;
  bpf_link__destroy(link: Ptr): number;
  bpf_link__fd(link: Ptr): number;
  bpf_map__name(map: Ptr): string;
  bpf_map__fd(map: Ptr): number;
  bpf_map__type(map: Ptr): number;
  bpf_map__key_size(map: Ptr): number;
  bpf_map__value_size(map: Ptr): number;
  bpf_map__max_entries(map: Ptr): number;
  bpf_map__set_max_entries(map: Ptr, n: number): number;
  bpf_map__initial_value(map: Ptr, psize: [number | bigint]): Ptr;
  bpf_map_lookup_elem(fd: number, key: Buffer, value: Buffer): number;
  bpf_map_update_elem(fd: number, key: Buffer, value: Buffer, flags: bigint): number;
  bpf_map_delete_elem(fd: number, key: Buffer): number;
  bpf_map_get_next_key(fd: number, key: Buffer | null, next: Buffer): number;
  bpf_map_lookup_batch(fd: number, inBatch: Buffer | null, outBatch: Buffer, keys: Buffer, values: Buffer, count: [number], opts: BatchOpts): number;
  btf__find_by_name_kind(btf: Ptr, name: string, kind: number): number;
  btf__type_by_id(btf: Ptr, id: number): Ptr;
  btf__name_by_offset(btf: Ptr, off: number): string;
  btf__resolve_type(btf: Ptr, id: number): number;
  btf__resolve_size(btf: Ptr, id: number): number | bigint;
  bpf_obj_get_info_by_fd(fd: number, info: Buffer, len: [number]): number;
  vsnprintf(buf: Buffer, n: number, fmt: Ptr, ap: Ptr | Buffer): number;
  /** libc syscall(2), variadic: pass (type, value) pairs after the number. */
  syscall(nr: number, ...typedArgs: unknown[]): number | bigint;
  close(fd: number): number;
  mount(source: string, target: string, fstype: string, flags: number, data: null): number;
  /** libc mmap(2); returns MAP_FAILED (2^64 - 1) and sets errno on failure. */
  mmap(addr: null, len: number, prot: number, flags: number, fd: number, offset: number): Ptr;
  munmap(addr: Ptr, len: number): number;
  getpagesize(): number;
  epoll_create1(flags: number): number;
  /** `event` is a struct epoll_event (12 bytes packed on x86-64, 16 elsewhere). */
  epoll_ctl(epfd: number, op: number, fd: number, event: Buffer): number;
  /** koffi prototype of libbpf_print_fn_t (va_list is a pointer on x86-64 / arm64 SysV). */
  PrintFn: TypeObject;
  /** sizeof of the libbpf opts structs, for their `sz` field. */
  sizes: { openOpts: number; uprobeOpts: number; usdtOpts: number; kprobeOpts: number; batchOpts: number; tracepointOpts: number };
}

/** struct bpf_object_open_opts (libbpf 1.1); only the fields bpfleet sets. */
export interface OpenOpts {
  sz: number;
  btf_custom_path: string | null;
}
/** struct bpf_uprobe_opts (libbpf 1.1: func_name is its last field). */
export interface UprobeOpts {
  sz: number;
  ref_ctr_offset: number;
  bpf_cookie: bigint;
  retprobe: boolean;
  func_name: string | null;
}
/** struct bpf_usdt_opts. */
export interface UsdtOpts {
  sz: number;
  usdt_cookie: bigint;
}
/** struct bpf_kprobe_opts. */
export interface KprobeOpts {
  sz: number;
  bpf_cookie: bigint;
  offset: number;
  retprobe: boolean;
}
/** struct bpf_tracepoint_opts. */
export interface TracepointOpts {
  sz: number;
  bpf_cookie: bigint;
}
/** struct bpf_map_batch_opts. */
export interface BatchOpts {
  sz: number;
  elem_flags: bigint;
  flags: bigint;
}

let native: Native | undefined;

/**
 * Loads libbpf.so.1 and libc once. Throws the loader's error (library missing) on first use only;
 * importing this module never touches native code.
 */
export function libbpf(): Native {
  if (native) return native;
  const lib = koffi.load('libbpf.so.1');
  const libc = koffi.load('libc.so.6');
  const f = (decl: string) => lib.func(decl);
  // Unique names: koffi types are process-global, and tests may load this module more than once.
  const tag = `${process.pid}_${Date.now()}_${Math.random().toString(36).slice(2)}`;
  const PrintFn = koffi.proto(`int bpfleet_print_fn_${tag}(int level, void *fmt, void *ap)`);
  // libbpf's opts structs, passed by pointer; koffi marshals the object (and its C string) for the call.
  const OpenOptsT = koffi.struct(`bpfleet_open_opts_${tag}`, {
    sz: 'size_t', object_name: 'const char *', relaxed_maps: 'bool', pin_root_path: 'const char *',
    attach_prog_fd_removed: 'uint32_t', kconfig: 'const char *', btf_custom_path: 'const char *',
    kernel_log_buf: 'void *', kernel_log_size: 'size_t', kernel_log_level: 'uint32_t',
  });
  const UprobeOptsT = koffi.struct(`bpfleet_uprobe_opts_${tag}`, {
    sz: 'size_t', ref_ctr_offset: 'size_t', bpf_cookie: 'uint64_t', retprobe: 'bool', func_name: 'const char *',
  });
  const UsdtOptsT = koffi.struct(`bpfleet_usdt_opts_${tag}`, { sz: 'size_t', usdt_cookie: 'uint64_t' });
  const KprobeOptsT = koffi.struct(`bpfleet_kprobe_opts_${tag}`, {
    sz: 'size_t', bpf_cookie: 'uint64_t', offset: 'size_t', retprobe: 'bool',
  });
  const TracepointOptsT = koffi.struct(`bpfleet_tracepoint_opts_${tag}`, { sz: 'size_t', bpf_cookie: 'uint64_t' });
  const BatchOptsT = koffi.struct(`bpfleet_batch_opts_${tag}`, { sz: 'size_t', elem_flags: 'uint64_t', flags: 'uint64_t' });
  native = {
    libbpf_set_print: f('void *libbpf_set_print(void *fn)'),
    libbpf_num_possible_cpus: f('int libbpf_num_possible_cpus()'),
    bpf_object__open_file: f(`void *bpf_object__open_file(const char *path, const bpfleet_open_opts_${tag} *opts)`),
    bpf_object__load: f('int bpf_object__load(void *obj)'),
    bpf_object__close: f('void bpf_object__close(void *obj)'),
    bpf_object__btf: f('void *bpf_object__btf(void *obj)'),
    bpf_object__find_program_by_name: f('void *bpf_object__find_program_by_name(void *obj, const char *name)'),
    bpf_object__find_map_by_name: f('void *bpf_object__find_map_by_name(void *obj, const char *name)'),
    bpf_object__next_program: f('void *bpf_object__next_program(void *obj, void *prev)'),
    bpf_object__next_map: f('void *bpf_object__next_map(void *obj, void *prev)'),
    bpf_program__name: f('const char *bpf_program__name(void *prog)'),
    bpf_program__section_name: f('const char *bpf_program__section_name(void *prog)'),
    bpf_program__fd: f('int bpf_program__fd(void *prog)'),
    bpf_program__set_autoload: f('int bpf_program__set_autoload(void *prog, bool autoload)'),
    bpf_program__attach: f('void *bpf_program__attach(void *prog)'),
    bpf_program__attach_uprobe_opts: f(
      `void *bpf_program__attach_uprobe_opts(void *prog, int pid, const char *binary, size_t off, const bpfleet_uprobe_opts_${tag} *opts)`,
    ),
    bpf_program__attach_usdt: f(
      `void *bpf_program__attach_usdt(void *prog, int pid, const char *binary, const char *provider, const char *name, const bpfleet_usdt_opts_${tag} *opts)`,
    ),
    bpf_program__attach_perf_event: f('void *bpf_program__attach_perf_event(void *prog, int pfd)'),
    bpf_program__attach_kprobe_opts: f(
      `void *bpf_program__attach_kprobe_opts(void *prog, const char *func, const bpfleet_kprobe_opts_${tag} *opts)`,
    ),
    bpf_program__attach_tracepoint_opts: f(
      `void *bpf_program__attach_tracepoint_opts(void *prog, const char *category, const char *name, const bpfleet_tracepoint_opts_${tag} *opts)`,
    ),
    bpf_program__type: f('int bpf_program__type(void *prog)'),
    libbpf_probe_bpf_prog_type: f('int libbpf_probe_bpf_prog_type(int type, void *opts)'),
    libbpf_probe_bpf_map_type: f('int libbpf_probe_bpf_map_type(int type, void *opts)'),
    bpf_link__destroy: f('int bpf_link__destroy(void *link)'),
    bpf_link__fd: f('int bpf_link__fd(void *link)'),
    bpf_map__name: f('const char *bpf_map__name(void *map)'),
    bpf_map__fd: f('int bpf_map__fd(void *map)'),
    bpf_map__type: f('int bpf_map__type(void *map)'),
    bpf_map__key_size: f('uint32_t bpf_map__key_size(void *map)'),
    bpf_map__value_size: f('uint32_t bpf_map__value_size(void *map)'),
    bpf_map__max_entries: f('uint32_t bpf_map__max_entries(void *map)'),
    bpf_map__set_max_entries: f('int bpf_map__set_max_entries(void *map, uint32_t n)'),
    bpf_map__initial_value: f('void *bpf_map__initial_value(void *map, _Out_ size_t *psize)'),
    bpf_map_lookup_elem: f('int bpf_map_lookup_elem(int fd, void *key, void *value)'),
    bpf_map_update_elem: f('int bpf_map_update_elem(int fd, void *key, void *value, uint64_t flags)'),
    bpf_map_delete_elem: f('int bpf_map_delete_elem(int fd, void *key)'),
    bpf_map_get_next_key: f('int bpf_map_get_next_key(int fd, void *key, void *next)'),
    bpf_map_lookup_batch: f(
      `int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, _Inout_ uint32_t *count, const bpfleet_batch_opts_${tag} *opts)`,
    ),
    btf__find_by_name_kind: f('int32_t btf__find_by_name_kind(void *btf, const char *name, uint32_t kind)'),
    btf__type_by_id: f('void *btf__type_by_id(void *btf, uint32_t id)'),
    btf__name_by_offset: f('const char *btf__name_by_offset(void *btf, uint32_t off)'),
    btf__resolve_type: f('int btf__resolve_type(void *btf, uint32_t id)'),
    btf__resolve_size: f('int64_t btf__resolve_size(void *btf, uint32_t id)'),
    bpf_obj_get_info_by_fd: f('int bpf_obj_get_info_by_fd(int fd, void *info, _Inout_ uint32_t *len)'),
    vsnprintf: libc.func('int vsnprintf(_Out_ uint8_t *buf, size_t n, void *fmt, void *ap)'),
    syscall: libc.func('long syscall(long nr, ...)'),
    close: libc.func('int close(int fd)'),
    mount: libc.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, void *data)'),
    mmap: libc.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long offset)'),
    munmap: libc.func('int munmap(void *addr, size_t len)'),
    getpagesize: libc.func('int getpagesize()'),
    epoll_create1: libc.func('int epoll_create1(int flags)'),
    epoll_ctl: libc.func('int epoll_ctl(int epfd, int op, int fd, void *event)'),
    PrintFn,
    sizes: {
      openOpts: koffi.sizeof(OpenOptsT),
      uprobeOpts: koffi.sizeof(UprobeOptsT),
      usdtOpts: koffi.sizeof(UsdtOptsT),
      kprobeOpts: koffi.sizeof(KprobeOptsT),
      batchOpts: koffi.sizeof(BatchOptsT),
      tracepointOpts: koffi.sizeof(TracepointOptsT),
    },
  };
  return native;
}

export { koffi };
