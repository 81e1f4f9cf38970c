# Sourced by dev.sh: idempotent set-up of everything bpfleet needs on a Debian/Ubuntu machine.

# command → Debian package that provides it.
SYSTEM_PACKAGES=(
  "redis-server:redis-server"
  "redis-cli:redis-tools"
  "clang:clang"
  "llvm-strip:llvm"
  "bpftool:bpftool"
  "llvm-symbolizer:llvm"
  "bpftrace:bpftrace"
  "jq:jq"
  # The test workloads: C programs compiled at test time, python3 for USDT.
  "cc:gcc"
  "python3:python3"
  # Validates docker-compose.yml in test/deploy (no engine is needed for `docker-compose config`).
  "docker-compose:docker-compose"
  # The web UI's browser tests (test/web) drive Debian's chromium: no test tool downloads a browser.
  "chromium:chromium"
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_system_packages() {
  local missing=() entry
  for entry in "${SYSTEM_PACKAGES[@]}"; do
    command -v "${entry%%:*}" >/dev/null || missing+=("${entry#*:}")
  done
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  [ -e /usr/include/bpf/libbpf.h ] || missing+=(libbpf-dev)
  /sbin/ldconfig -p | grep -q "libbpf.so.1 " || missing+=(libbpf1)
  [ ${#missing[@]} -eq 0 ] && return
  command -v apt-get >/dev/null || { echo "dev.sh: please install: ${missing[*]}" >&2; exit 1; }
  echo "dev.sh: installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  # bpftool lives in linux-tools on Ubuntu; Debian ships it as its own package.
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    echo "dev.sh: apt-get install ${missing[*]} failed" >&2; exit 1
  fi
}

# libbpf attaches tracepoints through tracefs; some machines boot without it mounted.
ensure_kernel_filesystems() {
  [ "$(id -u)" = 0 ] || return 0
  [ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
  [ -d /sys/kernel/debug/tracing ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
  mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
}

# npm ci only when the lock file changed since the last install.
ensure_node_modules() {
  local stamp=node_modules/.bpfleet-lock.sha256 sum
  sum=$(sha256sum package-lock.json package.json | sha256sum | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && return
  npm ci --no-audit --no-fund --loglevel=error
  echo "$sum" >"$stamp"
}

build() {
  # The CLI builds on its own (types generated from its committed spec, its own dist/), as it packs alone.
  npm run --silent build --workspace @bpfleet/cli
  # The web UI (apps/web/dist), which the API serves at /.
  npm run --silent build --workspace @bpfleet/web -- --logLevel warn
  npx --no-install tsc -p tsconfig.build.json
  bash scripts/build-bpf.sh
}

setup_all() {
  ensure_system_packages
  ensure_kernel_filesystems
  ensure_node
  ensure_node_modules
  build
}
