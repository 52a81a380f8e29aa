#!/usr/bin/env bash
# Installs code-server (VS Code served to a browser), playwright-core and Debian's Chromium,
# for the VS Code extension's end-to-end test (clients/vscode, `npm run e2e`).
#
# Only the npm registry and Debian's packages are used. The npm packages' own install
# scripts download ripgrep and Node headers from elsewhere, so they are skipped and their
# work is done here with Debian's ripgrep and the headers of the Node that runs this script.
#
# Usage: scripts/install-code-server.sh [DIR]
#   DIR defaults to $ARCHRULES_EDITORS_CACHE/code-server-VERSION, where
#   ARCHRULES_EDITORS_CACHE defaults to ~/.cache/archrules-editors.
# A finished install is reused. The last line printed is the entry script, run it with node:
#   node ENTRY --auth none --bind-addr 127.0.0.1:PORT --extensions-dir D --user-data-dir U FOLDER
# playwright-core is installed beside it: DIR/node_modules/playwright-core.
set -euo pipefail

VERSION=4.100.3            # VS Code 1.100.3; the last code-server release that runs on Node 20
PLAYWRIGHT=1.49
CACHE=${ARCHRULES_EDITORS_CACHE:-$HOME/.cache/archrules-editors}
DIR=${1:-$CACHE/code-server-$VERSION}
ENTRY=$DIR/node_modules/code-server/out/node/entry.js

debian_packages=(ripgrep chromium)
build_packages=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3 make g++)

apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-code-server: missing Debian packages (run as root or install them): ${missing[*]}" >&2
    exit 1
  fi
  echo "install-code-server: apt-get install ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [[ -f $DIR/.done ]]; then
  apt_install "${debian_packages[@]}"      # the browser may be gone while the cache is kept
  echo "$ENTRY"
  exit 0
fi

apt_install "${debian_packages[@]}" "${build_packages[@]}"

mkdir -p "$DIR"
cd "$DIR"
LOG=$DIR/install.log
: >"$LOG"
trap 'echo "install-code-server: failed, see $LOG; its last lines:" >&2; tail -n 25 "$LOG" >&2' ERR
echo "install-code-server: installing code-server $VERSION into $DIR (a few minutes)" >&2

[[ -f package.json ]] || printf '{"name": "archrules-code-server", "private": true}\n' >package.json
NPM_FLAGS=(--unsafe-perm --ignore-scripts --no-audit --no-fund)
npm install "${NPM_FLAGS[@]}" "code-server@$VERSION" "playwright-core@$PLAYWRIGHT" >>"$LOG" 2>&1

NODE_GYP=$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
[[ -f $NODE_GYP ]] || NODE_GYP=/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
NODE_PREFIX=$(dirname "$(dirname "$(command -v node)")")    # has include/node/
gyp() { node "$NODE_GYP" rebuild --nodedir="$NODE_PREFIX" "$@" >>"$LOG" 2>&1; }

# code-server's password hashing: a native module normally fetched prebuilt.
(
  cd node_modules/argon2
  gyp --module_name=argon2 --module_path=lib/binding/napi-v3 --napi_build_version=3
  mkdir -p lib/binding/napi-v3
  cp build/Release/argon2.node lib/binding/napi-v3/
)

# The VS Code server inside code-server: its production dependencies and native modules.
(
  cd node_modules/code-server/lib/vscode
  npm install "${NPM_FLAGS[@]}" --omit=dev >>"$LOG" 2>&1
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  for module in kerberos @parcel/watcher @vscode/spdlog @vscode/deviceid native-watchdog node-pty; do
    (cd "node_modules/$module" && gyp)
  done
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sf code-linux.sh code-server)
  (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
  (cd extensions && npm install "${NPM_FLAGS[@]}" --omit=dev >>"$LOG" 2>&1)
)

node "$ENTRY" --version >>"$LOG" 2>&1
touch .done
echo "$ENTRY"
