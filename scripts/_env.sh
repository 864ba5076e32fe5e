# Sourced by scripts/serve and scripts/test: makes .venv with the pinned Python dependencies and
# tools/pagefind with the pinned Pagefind binary, again only when their pin files change.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${GONGKAI_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
PIP_VERSION="26.3"
export NO_MKDOCS_2_WARNING=1

# Installs Debian packages that are missing (root, or sudo without a password).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  echo "==> apt-get install ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

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

pagefind="$ROOT/tools/pagefind"
pf_stamp="$pagefind/node_modules/.gongkai-$(sha256sum "$pagefind/package-lock.json" | cut -c1-16)"
if [ ! -f "$pf_stamp" ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  echo "==> installing Pagefind (tools/pagefind/package-lock.json)" >&2
  npm ci --prefix "$pagefind" --no-audit --no-fund --loglevel=error
  touch "$pf_stamp"
fi

# Debian's chromium and chromium-driver for the browser tests and figures, and CJK fonts for the screenshots.
browser_install() {
  command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q . \
    || apt_install chromium chromium-driver fonts-noto-cjk
}

export PATH="$VENV/bin:$PATH"
cd "$ROOT"
