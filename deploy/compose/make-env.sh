#!/usr/bin/env bash
# Writes the .env of docker-compose.yml from env.example beside this script: each CHANGE-ME becomes its own
# random value of 48 hex digits (URL-safe), and the file is readable by its owner only. Never overwrites.
# Usage: deploy/compose/make-env.sh [OUTPUT]   (default: .env at the repository root)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/../../.env}
if [ -e "$out" ]; then
  echo "make-env: $out exists; not overwriting it" >&2
  exit 1
fi
umask 077
while IFS= read -r line; do
  if [[ $line == *CHANGE-ME* ]]; then
    line=${line/CHANGE-ME/$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}
  fi
  printf '%s\n' "$line"
done <"$here/env.example" >"$out"
echo "make-env: wrote $out"
