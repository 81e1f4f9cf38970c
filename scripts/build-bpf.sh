#!/usr/bin/env bash
# Builds the kernel side of every catalog tool: libs/tools/src/<tool>/<tool>.bpf.c -> build/bpf/<tool>.bpf.o,
# and the runtime's own objects (libs/bpf/bpf/*.bpf.c, e.g. the capability probe) the same way.
# CO-RE: compiled once here against a vmlinux.h dumped from this machine's BTF; hosts only need libbpf.so.1.
# Idempotent: an object is rebuilt only when its source or a shared header is newer.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BTF="${BPFLEET_VMLINUX_BTF:-/sys/kernel/btf/vmlinux}"
OUT=build/bpf
VMLINUX_H=build/vmlinux.h
CLANG="${CLANG:-clang}"
BPFTOOL="${BPFTOOL:-bpftool}"

die() { echo "build-bpf: $*" >&2; exit 1; }

command -v "$CLANG" >/dev/null || die "clang not found (set CLANG=...); needed to compile BPF programs"
mkdir -p "$OUT"

if [[ ! -s "$VMLINUX_H" ]]; then
  command -v "$BPFTOOL" >/dev/null || die "bpftool not found (set BPFTOOL=...); needed to dump $VMLINUX_H"
  [[ -r "$BTF" ]] || die "kernel BTF not readable at $BTF (kernel built without CONFIG_DEBUG_INFO_BTF?)"
  "$BPFTOOL" btf dump file "$BTF" format c > "$VMLINUX_H.tmp" || { rm -f "$VMLINUX_H.tmp"; die "bpftool btf dump failed"; }
  mv "$VMLINUX_H.tmp" "$VMLINUX_H"
  echo "build-bpf: wrote $VMLINUX_H"
fi

shopt -s nullglob
sources=(libs/tools/src/*/*.bpf.c libs/bpf/bpf/*.bpf.c)
[[ ${#sources[@]} -gt 0 ]] || die "no libs/tools/src/*/*.bpf.c found"
shared_headers=(libs/bpf/include/*.h)

built=0
for src in "${sources[@]}"; do
  tool="$(basename "$src" .bpf.c)"
  dir="$(dirname "$src")"
  obj="$OUT/$tool.bpf.o"
  stale=0
  if [[ ! -f "$obj" ]]; then stale=1; else
    for dep in "$src" "$dir"/*.h "${shared_headers[@]}" "$VMLINUX_H" "$0"; do
      [[ -e "$dep" && "$dep" -nt "$obj" ]] && { stale=1; break; }
    done
  fi
  [[ $stale -eq 1 ]] || continue
  if ! "$CLANG" -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_x86 \
      -I build -I libs/bpf/include -I "/usr/include/$(uname -m)-linux-gnu" -I "$dir" -c "$src" -o "$obj.tmp"; then
    rm -f "$obj.tmp"
    die "compiling $src failed"
  fi
  mv "$obj.tmp" "$obj"
  echo "build-bpf: built $obj"
  built=$((built + 1))
done
echo "build-bpf: ${#sources[@]} object(s), $built rebuilt"
