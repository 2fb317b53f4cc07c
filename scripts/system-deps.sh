#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
# Chromium for browser tests, Pango and Noto fonts for WeasyPrint (every Mekong script),
# gettext for translations, poppler for reading PDFs back, PostgreSQL and Redis servers,
# ICU headers to build PyICU (Zawgyi conversion), pg_dump/pg_restore for manage.py backup.
set -euo pipefail
packages=(chromium fonts-noto-core fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0
          libharfbuzz-subset0 poppler-utils postgresql postgresql-client redis-server docker-compose
          libicu-dev pkg-config g++)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run as root, or install them: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
