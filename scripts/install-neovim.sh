#!/usr/bin/env bash
# Installs Neovim for the editor tests (tests/editors/test_nvim.py), from the system's
# package manager (Debian's `neovim`). Idempotent: does nothing if `nvim` is on PATH.
# Runs as root, or with sudo when it is available.
set -euo pipefail

if ! command -v nvim >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-neovim.sh: nvim is not installed and this is not root (no sudo either)" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-neovim.sh: no apt-get here; install Neovim (>= 0.7) yourself" >&2
    exit 1
  fi
  echo "==> installing neovim with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends neovim
fi

nvim --version | head -n 1
