#!/usr/bin/env bash
# bpfleet developer entry point.
#   ./dev.sh start        set everything up, then run the API and one agent for this host (Ctrl-C stops all)
#   ./dev.sh test         set everything up, then run every test suite
#   ./dev.sh agent NAME   start one more agent that identifies as host NAME
#                         (agents inherit the environment: BPFLEET_LABELS=role=db,zone=a labels them, BPFLEET_ALLOW_CUSTOM_PROGRAMS=true lets them run bpftrace programs)
#   ./dev.sh bench        run the benchmarks in bench/ (bpfleet vs libbpf-tools vs bpftrace)
#   ./dev.sh openapi      write the API's /openapi.json over apps/cli/openapi.json, the spec the CLI is built on
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"
DATA_DIR=${BPFLEET_DATA_DIR:-$ROOT/.data}
export BPFLEET_DATA_DIR=$DATA_DIR
mkdir -p "$DATA_DIR"

. scripts/node-env.sh
. scripts/services.sh
. scripts/setup.sh

CHILDREN=()
cleanup() {
  local pid
  for pid in "${CHILDREN[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${CHILDREN[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_services
}

cmd_start() {
  setup_all
  start_services bpfleet
  node dist/apps/api/src/migrate.js
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  export PORT=${PORT:-8080}
  node dist/apps/api/src/main.js & CHILDREN+=($!)
  BPFLEET_HOST_NAME=${BPFLEET_HOST_NAME:-$(hostname)} node dist/apps/worker/src/main.js & CHILDREN+=($!)
  wait -n "${CHILDREN[@]}"
}

cmd_agent() {
  local name=${1:?usage: ./dev.sh agent NAME}
  setup_all
  start_services bpfleet
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  BPFLEET_HOST_NAME=$name node dist/apps/worker/src/main.js & CHILDREN+=($!)
  wait -n "${CHILDREN[@]}"
}

cmd_test() {
  setup_all
  trap cleanup EXIT
  start_services bpfleet_test
  node scripts/run-tests.mjs "$@"
}

cmd_bench() {
  setup_all
  node dist/bench/run.js "$@"
}

# No build first: a spec that no longer matches the CLI's code must still be refreshable.
cmd_openapi() {
  ensure_node
  ensure_node_modules
  trap cleanup EXIT
  start_services bpfleet_test
  BPFLEET_WRITE_OPENAPI=1 node scripts/run-tests.mjs test/cli/openapi.test.ts
  npm run --silent generate --workspace @bpfleet/cli
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  test) shift; cmd_test "$@" ;;
  agent) shift; cmd_agent "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  openapi) shift; cmd_openapi "$@" ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
