#!/usr/bin/env bash
# Builds the C test fixtures (fixtures/c/*.c) as static binaries into .cache/fixtures/, and copies
# Debian's static busybox beside them. Idempotent: a binary is rebuilt only when its source is newer.
#
# Compiler: musl-gcc -static -Os (small binaries, no glibc NSS surprises); gcc -static if musl-gcc
# is absent. Prints one line per artifact. Exits non-zero with a message when something is missing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src_dir="$repo/fixtures/c"
out_dir="$repo/.cache/fixtures"
busybox_src="${ROCK_BUSYBOX:-/bin/busybox}"

die() {
  echo "build-fixtures: $*" >&2
  exit 1
}

if command -v musl-gcc >/dev/null 2>&1; then
  cc=(musl-gcc -static -Os -Wall -Wextra -Werror)
elif command -v gcc >/dev/null 2>&1; then
  cc=(gcc -static -Os -Wall -Wextra -Werror)
else
  die "no C compiler: install musl-tools (musl-gcc) or gcc (apt-get install musl-tools)"
fi

mkdir -p "$out_dir"

# The static stand-ins that run inside the image (volcano-agent, linked against OpenSSL, is below).
sources=()
for name in rock-init rock-manager; do
  [ -f "$src_dir/$name.c" ] || die "missing $src_dir/$name.c"
  sources+=("$src_dir/$name.c")
done

for src in "${sources[@]}"; do
  name="$(basename "$src" .c)"
  out="$out_dir/$name"
  if [ -x "$out" ] && [ ! "$src" -nt "$out" ]; then
    echo "up-to-date $out"
    continue
  fi
  "${cc[@]}" -o "$out.tmp" "$src" || die "compiling $src failed (${cc[0]})"
  strip "$out.tmp" 2>/dev/null || true
  mv -f "$out.tmp" "$out"
  echo "built      $out (${cc[0]}, $(stat -c %s "$out") bytes)"
done

# volcano-agent: dynamically linked against glibc and OpenSSL (libssl.so.3, libcrypto.so.3), like the
# real agent, so a boot proves the image carries the interpreter and every library.
command -v gcc >/dev/null 2>&1 || die "no gcc: apt-get install gcc libc6-dev"
[ -f /usr/include/openssl/ssl.h ] || die "no OpenSSL headers: apt-get install libssl-dev"
agent="$out_dir/volcano-agent"
agent_src=("$src_dir/volcano-agent.c" "$src_dir/rock-envelope.c" "$src_dir/rock-envelope.h")
if [ -x "$agent" ] && [ -z "$(find "${agent_src[@]}" -newer "$agent")" ]; then
  echo "up-to-date $agent"
else
  gcc -O2 -Wall -Wextra -Werror -o "$agent.tmp" "$src_dir/volcano-agent.c" "$src_dir/rock-envelope.c" -lssl -lcrypto ||
    die "compiling volcano-agent failed (gcc)"
  mv -f "$agent.tmp" "$agent"
  echo "built      $agent (gcc, dynamic: libssl.so.3 libcrypto.so.3, $(stat -c %s "$agent") bytes)"
fi

# busybox: must be a static ELF, since the image carries no libc.
[ -f "$busybox_src" ] || die "$busybox_src not found: apt-get install busybox-static"
magic="$(head -c 4 "$busybox_src" | od -An -c | tr -d ' ')"
[ "$magic" = '177ELF' ] || die "$busybox_src is not an ELF file"
if command -v readelf >/dev/null 2>&1; then
  if readelf -l "$busybox_src" | grep -q 'INTERP'; then
    die "$busybox_src is dynamically linked: apt-get install busybox-static (not busybox)"
  fi
fi
if [ -x "$out_dir/busybox" ] && [ ! "$busybox_src" -nt "$out_dir/busybox" ]; then
  echo "up-to-date $out_dir/busybox"
else
  cp -f "$busybox_src" "$out_dir/busybox.tmp"
  chmod 0755 "$out_dir/busybox.tmp"
  mv -f "$out_dir/busybox.tmp" "$out_dir/busybox"
  echo "copied     $out_dir/busybox (from $busybox_src)"
fi
