#!/usr/bin/env bash
# Fetches Debian's cloud kernel for the QEMU boot tests without installing it, into .cache/kernel/:
#   .cache/kernel/vmlinuz   the kernel image (stable name; what ROCK_TEST_KERNEL defaults to)
#   .cache/kernel/config    its build configuration
#   .cache/kernel/version   e.g. 6.1.0-56-cloud-amd64
#   .cache/kernel/linux-image-*.deb  the package itself (rock-kernel's store and module tests add it)
# Idempotent: does nothing when .cache/kernel/vmlinuz and the .deb exist. Tests look for the kernel at
# $ROCK_TEST_KERNEL, else at .cache/kernel/vmlinuz.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$repo/.cache/kernel"
meta="linux-image-cloud-amd64"

die() {
  echo "fetch-kernel: $*" >&2
  exit 1
}

if [ -f "$dir/vmlinuz" ] && compgen -G "$dir/linux-image-*.deb" >/dev/null; then
  echo "up-to-date $dir/vmlinuz ($(cat "$dir/version" 2>/dev/null || echo 'unknown version'))"
  exit 0
fi

for tool in apt-cache apt-get dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: this script needs a Debian system"
done

# The metapackage depends on the current kernel package: linux-image-<version>-cloud-amd64.
kernel_package() {
  # apt-cache fails for a package the lists do not know: that is "no answer", not an error.
  { apt-cache depends "$meta" 2>/dev/null || true; } |
    sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n 1
}
package="$(kernel_package)"
if [ -z "$package" ]; then
  # Empty apt lists (a fresh container) know no packages: refresh them once.
  echo "fetch-kernel: apt lists know no $meta, running apt-get update" >&2
  apt-get update -qq || die "apt-get update failed"
  package="$(kernel_package)"
fi
[ -n "$package" ] || die "apt-cache depends $meta names no linux-image-*-cloud-amd64 package"
version="${package#linux-image-}"

mkdir -p "$dir"
work="$(mktemp -d "$dir/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# apt-get download writes into the current directory. As root it may warn that the _apt user cannot
# reach the directory ("Download is performed unsandboxed as root"): harmless.
(cd "$work" && apt-get download -q "$package") || die "apt-get download $package failed"
deb="$(find "$work" -maxdepth 1 -name "${package}_*.deb" | head -n 1)"
[ -n "$deb" ] || die "apt-get download $package left no .deb in $work"

dpkg-deb -x "$deb" "$work/x" || die "dpkg-deb -x $deb failed"
[ -f "$work/x/boot/vmlinuz-$version" ] || die "$deb holds no boot/vmlinuz-$version"
[ -f "$work/x/boot/config-$version" ] || die "$deb holds no boot/config-$version"

cp -f "$deb" "$dir/$(basename "$deb").tmp"
mv -f "$dir/$(basename "$deb").tmp" "$dir/$(basename "$deb")"
cp -f "$work/x/boot/config-$version" "$dir/config"
echo "$version" >"$dir/version"
# vmlinuz last: its presence is what marks the cache complete.
cp -f "$work/x/boot/vmlinuz-$version" "$dir/vmlinuz.tmp"
mv -f "$dir/vmlinuz.tmp" "$dir/vmlinuz"
echo "fetched    $dir/vmlinuz ($version, $(stat -c %s "$dir/vmlinuz") bytes)"
