# Sourced by scripts/serve and scripts/test: makes .venv with the pinned dependencies,
# again only when requirements*.txt or pyproject.toml change, and puts it first on PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${GONGKAI_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
PIP_VERSION="26.3"

stamp="$VENV/.gongkai-$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "需要 Python 3.11 或更新版本（Python >= 3.11 is required; set PYTHON=/path/to/python3.11）" >&2
    exit 1
  fi
  echo "==> creating $VENV with pinned dependencies" >&2
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pip==$PIP_VERSION"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-dev.txt"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e "$ROOT"
  rm -f "$VENV"/.gongkai-*
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
