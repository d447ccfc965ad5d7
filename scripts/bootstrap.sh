#!/usr/bin/env bash
# Installs everything the platform needs, on a fresh Debian machine with Python >= 3.11 or on a laptop:
#   1. system libraries (WeasyPrint's Pango, gettext; Chromium when BROWSER=1) when apt-get can be used;
#   2. uv, when it is not on the PATH (through pip, which apt-get installs if it must);
#   3. the virtual environment .venv, synchronised with the lock file.
# Usage: scripts/bootstrap.sh [requirements.lock|requirements-dev.lock]
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=${1:-requirements.lock}
PYTHON=${PYTHON:-python3}

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }

# -- 1. System packages --------------------------------------------------------------------------
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext)
if [ "${BROWSER:-0}" = "1" ]; then packages+=(chromium); fi
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ! "$PYTHON" -m pip --version >/dev/null 2>&1 && ! command -v uv >/dev/null 2>&1 && [ ! -x .tools/bin/uv ]; then
    missing+=(python3-pip)
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
  fi
  if [ "$SUDO" = "none" ]; then
    say "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
  else
    say "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# -- 2. uv -----------------------------------------------------------------------------------------
if command -v uv >/dev/null 2>&1; then
  UV=$(command -v uv)
else
  UV=.tools/bin/uv
  if [ ! -x "$UV" ]; then
    say "installing uv into .tools/"
    # --target installs beside the system Python without touching it (allowed even where pip is
    # "externally managed", as on Debian).
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --target .tools/uv-package uv
    mkdir -p .tools/bin
    ln -sf ../uv-package/bin/uv "$UV"
  fi
fi

# -- 3. The virtual environment --------------------------------------------------------------------
# Trust the machine's certificate store (a company proxy's CA, for instance), as pip does.
if "$UV" pip sync --help 2>/dev/null | grep -q -- --system-certs; then export UV_SYSTEM_CERTS=1; else export UV_NATIVE_TLS=1; fi
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$UV" venv --quiet --python "$PYTHON" .venv
fi
"$UV" pip sync --quiet --python .venv/bin/python "$LOCK"
