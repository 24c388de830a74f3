#!/usr/bin/env bash
# The Debian packages Nâng Tầm needs: WeasyPrint's Pango, HarfBuzz's subset
# library (fast font subsetting in PDFs), fonts covering Vietnamese, gettext
# (to compile translations) and venv support. Installed when we are root
# with apt; otherwise the one command to run is printed.
set -euo pipefail
PYTHON=${PYTHON:-python3}
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra gettext)
if ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
  packages+=(python3-venv)
fi
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  echo "sysdeps: not a Debian system; make sure Pango, libharfbuzz-subset, DejaVu fonts and gettext are installed."
  exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "sysdeps: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "sysdeps: missing Debian packages. Run once:"
  echo "  sudo apt-get install -y ${missing[*]}"
  exit 1
fi
