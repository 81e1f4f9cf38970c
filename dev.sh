#!/usr/bin/env bash
# bpfleet developer entry point.
#   ./dev.sh start        set everything up, then run the API and one agent for this host, each restarted if it dies (Ctrl-C stops all)
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

log() { echo "dev.sh $(date +%H:%M:%S): $*" >&2; }

# Runs "$@" until dev.sh stops, restarting it whenever it exits (logged with its status), after 1 s, then twice as
# long each time up to 30 s, back to 1 s once it had run a minute: a crashed API or agent comes back, and the
# rest (the other processes, Redis, Postgres) keeps running meanwhile. Run it in the background.
supervise() {
  local name=$1 delay=1 child='' started status
  shift
  trap '[ -z "$child" ] || kill -TERM "$child" 2>/dev/null; [ -z "$child" ] || wait "$child" 2>/dev/null; exit 0' TERM INT
  while :; do
    started=$SECONDS
    "$@" &
    child=$!
    status=0
    wait "$child" || status=$?
    child=''
    [ $((SECONDS - started)) -lt 60 ] || delay=1
    log "$name exited with status $status; restarting it in ${delay}s"
    sleep "$delay" & wait $! || true
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

# Gives host NAME's agent a new credential (its own Redis user and signing key, docs/security.md) in
# .data/agents/NAME.json (mode 0600), ending the connections of any agent that had the previous one.
provision_agent() {
  local name=$1 file="$DATA_DIR/agents/$1.json"
  mkdir -p "$DATA_DIR/agents" && chmod 700 "$DATA_DIR/agents"
  node dist/apps/api/src/agent-credentials.js provision "$name" --out "$file" >&2
  echo "$file"
}

# Runs host NAME's agent, supervised, with its own credential and Redis' address only (never the admin password).
start_agent() {
  local name=$1 credentials
  credentials=$(provision_agent "$name")
  BPFLEET_HOST_NAME=$name BPFLEET_AGENT_CREDENTIALS_FILE=$credentials REDIS_URL=${REDIS_URL/\/\/*@/\/\/} \
    supervise "agent $name" node dist/apps/worker/src/main.js & CHILDREN+=($!)
}

cmd_start() {
  setup_all
  start_services bpfleet
  node dist/apps/api/src/migrate.js
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  export PORT=${PORT:-8080}
  supervise api node dist/apps/api/src/main.js & CHILDREN+=($!)
  start_agent "${BPFLEET_HOST_NAME:-$(hostname)}"
  wait "${CHILDREN[@]}"
}

cmd_agent() {
  local name=${1:?usage: ./dev.sh agent NAME}
  setup_all
  start_services bpfleet
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  start_agent "$name"
  wait "${CHILDREN[@]}"
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
