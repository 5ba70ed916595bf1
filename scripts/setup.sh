#!/usr/bin/env bash
# Sets up a fresh Debian machine (as root, or with sudo) for building, booting and testing images:
# Debian packages, npm packages from the lockfile, the build, the C fixtures, the test kernel.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(qemu-system-x86 busybox-static cpio libarchive-tools pigz musl-tools gcc libc6-dev libssl-dev zstd xz-utils lz4 bzip2 lzop minisign pax-utils ca-certificates docker-registry apache2-utils curl make golang-go)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: not root and no sudo: cannot install Debian packages" >&2
    exit 2
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

echo "setup: building"
npm run --silent build

bash scripts/build-fixtures.sh
bash scripts/fetch-kernel.sh
echo "setup: ready"
