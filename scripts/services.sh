# Sourced by dev.sh: a local Redis and a local Postgres with their data under .data/, used unless
# REDIS_URL / DATABASE_URL point elsewhere. Each is started only if not already running, and
# stop_services stops only what this shell started.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
LOCAL_REDIS_PORT=${BPFLEET_REDIS_PORT:-6390}
LOCAL_PG_PORT=${BPFLEET_PG_PORT:-5490}
# The local Redis' admin password (its `default` user: the API, tests, benches), made once, readable by its owner
# only. Agents never get it: each logs in as its own ACL user (docs/security.md).
REDIS_PASSWORD_FILE=$DATA_DIR/redis.password
STARTED_SERVICES=()

redis_password() {
  if [ ! -s "$REDIS_PASSWORD_FILE" ]; then
    (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$REDIS_PASSWORD_FILE")
  fi
  cat "$REDIS_PASSWORD_FILE"
}
redis_cli() { REDISCLI_AUTH=$(redis_password) redis-cli --no-auth-warning -p "$LOCAL_REDIS_PORT" "$@"; }
redis_running() { [ "$(redis_cli ping 2>/dev/null)" = PONG ]; }
pg_running() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$LOCAL_PG_PORT"; }

# The ACL file Redis loads at start and the API saves agents' users into (ACL SAVE): its `default` user line is
# (re)written from the password file, every other line (the agents) is kept.
write_redis_acl() {
  local acl=$1 hash
  hash=$(printf '%s' "$(redis_password)" | sha256sum | cut -d' ' -f1)
  touch "$acl" && chmod 600 "$acl"
  { grep -v '^user default ' "$acl" || true; echo "user default on #$hash ~* &* +@all"; } >"$acl.new"
  mv "$acl.new" "$acl"
}

start_redis() {
  mkdir -p "$DATA_DIR/redis"
  if ! redis_running; then
    if [ "$(redis-cli -p "$LOCAL_REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
      echo "dev.sh: a Redis without this password answers on port $LOCAL_REDIS_PORT (an older dev.sh started it): stop it (redis-cli -p $LOCAL_REDIS_PORT shutdown) and try again" >&2
      exit 1
    fi
    write_redis_acl "$DATA_DIR/redis/users.acl"
    # appendonly: queued jobs and results survive a Redis restart, as the design promises; the ACL file keeps
    # the agents' users across one too.
    redis-server --port "$LOCAL_REDIS_PORT" --bind 127.0.0.1 --dir "$DATA_DIR/redis" \
      --aclfile "$DATA_DIR/redis/users.acl" \
      --appendonly yes --daemonize yes --pidfile "$DATA_DIR/redis/redis.pid" \
      --logfile "$DATA_DIR/redis/redis.log" --maxmemory-policy noeviction
    for _ in $(seq 50); do redis_running && break; sleep 0.1; done
    redis_running || { echo "dev.sh: redis did not start, see $DATA_DIR/redis/redis.log" >&2; exit 1; }
    STARTED_SERVICES+=(redis)
  fi
  export REDIS_URL="redis://:$(redis_password)@127.0.0.1:$LOCAL_REDIS_PORT"
}

# Postgres refuses to run as root, so the cluster belongs to the postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() {
  local pgdata="$DATA_DIR/postgres"
  if [ ! -s "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$pgdata"
    chmod 700 "$pgdata"
    as_postgres "$PG_BIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 >"$DATA_DIR/postgres-initdb.log" ||
      { echo "dev.sh: initdb failed, see $DATA_DIR/postgres-initdb.log" >&2; exit 1; }
  fi
  if ! pg_running; then
    as_postgres "$PG_BIN/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
      -o "-p $LOCAL_PG_PORT -k $pgdata -c listen_addresses=127.0.0.1" start >/dev/null ||
      { echo "dev.sh: postgres did not start, see $pgdata/server.log" >&2; exit 1; }
    STARTED_SERVICES+=(postgres)
  fi
}

# Creates the database if missing; prints its URL.
ensure_database() {
  local name=$1
  as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$LOCAL_PG_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 ||
    as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$LOCAL_PG_PORT" -U postgres "$name"
  echo "postgres://postgres@127.0.0.1:$LOCAL_PG_PORT/$name"
}

start_services() {
  local database=$1
  [ -n "${REDIS_URL:-}" ] || start_redis
  if [ -z "${DATABASE_URL:-}" ]; then
    start_postgres
    DATABASE_URL=$(ensure_database "$database")
    export DATABASE_URL
  fi
}

stop_services() {
  local service
  for service in "${STARTED_SERVICES[@]}"; do
    case $service in
      redis) redis_cli shutdown nosave >/dev/null 2>&1 || true ;;
      postgres) as_postgres "$PG_BIN/pg_ctl" -D "$DATA_DIR/postgres" -m fast -w stop >/dev/null 2>&1 || true ;;
    esac
  done
  STARTED_SERVICES=()
}
