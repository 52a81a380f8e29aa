#!/usr/bin/env bash
# Installs what the architecture-picture tests (tests/test_graph.py) run: Debian's Chromium
# (driven headless by playwright, which downloads no browser), Graphviz (`dot`, which must
# read `archrules graph --format dot`) and Mermaid's browser bundle from the npm registry
# (which must render `archrules graph --format mermaid`), into
# $ARCHRULES_EDITORS_CACHE/mermaid-11 (default ~/.cache/archrules-editors). Idempotent.
# Runs as root, or with sudo when it is available.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-graph-tools.sh: missing ${missing[*]} and this is not root (no sudo either)" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-graph-tools.sh: no apt-get here; install ${missing[*]} yourself" >&2
    exit 1
  fi
  echo "==> installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

CACHE=${ARCHRULES_EDITORS_CACHE:-$HOME/.cache/archrules-editors}
MERMAID=$CACHE/mermaid-11
if [ ! -f "$MERMAID/node_modules/mermaid/dist/mermaid.min.js" ]; then
  echo "==> installing mermaid@11 into $MERMAID" >&2
  mkdir -p "$MERMAID"
  [ -f "$MERMAID/package.json" ] || printf '{"name": "archrules-mermaid", "private": true}\n' >"$MERMAID/package.json"
  (cd "$MERMAID" && npm install --ignore-scripts --no-audit --no-fund mermaid@11 >/dev/null)
fi

chromium --version
dot -V
echo "mermaid: $MERMAID/node_modules/mermaid/dist/mermaid.min.js"
