#!/usr/bin/env bash
# Installs what the architecture-picture tests (tests/test_graph.py) run: Debian's Chromium
# (driven headless by playwright, which downloads no browser) and Graphviz (`dot`, which
# must read `archrules graph --format dot`). Idempotent: does nothing when both are there.
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

chromium --version
dot -V
