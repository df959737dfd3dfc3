#!/usr/bin/env bash
# Installs the interop toolchains next to this script, from committed pins only:
#   .venv/         the official Python SDK (requirements.txt, exact pins, --no-deps)
#   node_modules/  the official TypeScript SDKs, the conformance suite and a Node 22 binary
#                  (package.json + package-lock.json, `npm ci`)
# Idempotent and fast when already done: each half is skipped while a stamp holding the hash
# of its pin file matches. Needs python3 (>= 3.10) with venv, and node + npm on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

say() { printf 'interop setup: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
hash_of() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

# ---- Python -------------------------------------------------------------------------------
PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (set PYTHON=...)"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "$PYTHON is older than 3.10 (the mcp package needs >= 3.10)"

py_stamp=".venv/.mcp-tests-stamp"
py_want="$(hash_of requirements.txt) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
if [[ -x .venv/bin/python && -f "$py_stamp" && "$(cat "$py_stamp")" == "$py_want" ]]; then
  say "python venv up to date"
else
  say "creating .venv and installing requirements.txt"
  rm -rf .venv
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input \
    --no-deps --only-binary=:all: -r requirements.txt
  .venv/bin/python -m pip check
  .venv/bin/python -c 'import mcp, mcp.client.stdio'
  printf '%s' "$py_want" > "$py_stamp"
fi

# ---- Node ---------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node not found on PATH"
command -v npm >/dev/null 2>&1 || die "npm not found on PATH"

js_stamp="node_modules/.mcp-tests-stamp"
js_want="$(hash_of package.json package-lock.json) $(node --version)"
if [[ -f "$js_stamp" && "$(cat "$js_stamp")" == "$js_want" ]]; then
  say "node_modules up to date"
else
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  for dep in @modelcontextprotocol/sdk @modelcontextprotocol/client @modelcontextprotocol/conformance; do
    [[ -f "node_modules/$dep/package.json" ]] || die "npm ci did not install $dep"
  done
  node_modules/.bin/node --version >/dev/null || die "the node@22 package did not install its binary"
  printf '%s' "$js_want" > "$js_stamp"
fi

say "ready: $(.venv/bin/python -c 'import importlib.metadata as m; print("mcp", m.version("mcp"))'), \
@modelcontextprotocol/sdk $(node -p 'require("./node_modules/@modelcontextprotocol/sdk/package.json").version'), \
@modelcontextprotocol/client $(node -p 'require("./node_modules/@modelcontextprotocol/client/package.json").version'), \
node_modules/.bin/node $(node_modules/.bin/node --version)"
