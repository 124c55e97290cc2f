#!/usr/bin/env bash
# Print the path of a JavaScript runtime binary (bun, deno, workerd) of the given version, installing its npm
# package first when it is not cached. Kept outside the repository (OTELITE_CACHE, default
# ~/.cache/otelite), so a second run reuses it. The bun package puts its binary in place with a
# postinstall script; where npm skipped it, the binary is taken from the platform package directly.
# usage: scripts/cached-runtime.sh bun 1.4.5   ->   /root/.cache/otelite/runtimes/bun-1.4.5/.../bun
set -euo pipefail
name=${1:?usage: cached-runtime.sh <bun|deno|workerd> <version>}
version=${2:?usage: cached-runtime.sh <bun|deno|workerd> <version>}
cache=${OTELITE_CACHE:-$HOME/.cache/otelite}
dir="$cache/runtimes/$name-$version"
candidates() {
  case "$name" in
    bun) echo "$dir/node_modules/bun/bin/bun.exe" "$dir/node_modules/@oven/bun-linux-x64/bin/bun" "$dir/node_modules/@oven/bun-linux-x64-baseline/bin/bun" ;;
    deno) echo "$dir/node_modules/deno/deno" "$dir/node_modules/@deno/linux-x64-glibc/deno" ;;
    workerd) echo "$dir/node_modules/@cloudflare/workerd-linux-64/bin/workerd" ;;
    *) echo "unknown runtime $name" >&2; exit 2 ;;
  esac
}
find_binary() {
  for candidate in $(candidates); do
    if [ -x "$candidate" ] && "$candidate" --version >/dev/null 2>&1; then echo "$candidate"; return 0; fi
  done
  return 1
}
if ! find_binary >/dev/null; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "$name@$version" >&2
fi
find_binary
