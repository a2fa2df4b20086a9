#!/usr/bin/env bash
# Installs what Maillage needs on a Debian 12 machine: Debian packages (only the missing ones)
# and the npm packages pinned in package-lock.json. Idempotent and quick when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git
  clang libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql postgresql-client
  libcpp-httplib-dev libhttp-parser-dev nlohmann-json3-dev libfmt-dev libspdlog-dev libcli11-dev
  libtomlplusplus-dev libexpected-dev libargon2-dev libgeos-dev libkainjow-mustache-dev
  libzip-dev libexpat1-dev libssl-dev zlib1g-dev coinor-libcbc-dev libcurl4-openssl-dev
  chromium wrk
  python3-docx python3-odf python3-aiosmtpd
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm: reinstall only when the lock file changed since the last install.
stamp=node_modules/.maillage-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
