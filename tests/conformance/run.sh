#!/usr/bin/env bash
# Runs the official MCP conformance suite (npm @modelcontextprotocol/conformance, pinned in
# tests/interop/package-lock.json) against `everything --bind 127.0.0.1:0`, for protocol
# revisions 2026-07-28, 2025-11-25 and 2025-06-18.
#
# Strict reading: every required scenario must pass with no FAILURE and no WARNING check;
# scenarios the suite reports as "not scored" (extensions, pending) are run and reported but do
# not fail the run. Results land in target/conformance/<revision>/.
#
# Usage: bash tests/conformance/run.sh [path/to/everything]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

interop="$root/tests/interop"
if [ ! -x "$interop/node_modules/.bin/conformance" ]; then
  bash "$interop/setup.sh"
fi
# The suite needs Node 22; the pinned npm package `node` provides it.
export PATH="$interop/node_modules/node/bin:$interop/node_modules/.bin:$PATH"

bin="${1:-}"
if [ -z "$bin" ]; then
  cargo build --quiet -p everything --locked
  bin="$root/target/debug/everything"
fi

out="$root/target/conformance"
rm -rf "$out"
mkdir -p "$out"
log="$out/server.log"
"$bin" --bind 127.0.0.1:0 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^listening on \(http:\/\/[^ ]*\)$/\1/p' "$log" | head -n1)"
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "everything did not start:" >&2
  cat "$log" >&2
  exit 1
fi
echo "conformance: server at $url"

status=0
run() {
  local name="$1"; shift
  local dir="$out/$name"
  mkdir -p "$dir"
  echo "==== conformance $name ($*)"
  if ! conformance server --url "$url" "$@" -o "$dir" >"$dir/output.txt" 2>&1; then
    echo "conformance $name: the suite reported a failing required scenario" >&2
    status=1
  fi
  sed -n '/=== SUMMARY ===/,$p' "$dir/output.txt"
  python3 "$root/tests/conformance/strict.py" "$dir" || status=1
}

run 2026-07-28 --requirements 2026-07-28
run 2025-11-25 --requirements 2025-11-25
run 2025-06-18 --spec-version 2025-06-18

if [ "$status" -ne 0 ]; then
  echo "conformance: FAILED (see $out)" >&2
fi
exit "$status"
