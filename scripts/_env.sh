# Sourced by scripts/demo and scripts/test: a project virtualenv with archrules installed.
# $1: "" for the runtime only, "dev" for the development tools too.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ARCHRULES_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
extra="${1:-}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.archrules-installed${extra:+-$extra}"
want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing archrules${extra:+ with [$extra]} into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT${extra:+[$extra]}"
  echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
