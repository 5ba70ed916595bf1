/** Adler-32 (RFC 1950), as lzop checksums blocks and headers by default; `adler` starts at 1. */
export function adler32(bytes: Uint8Array, adler = 1): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  // 5552 is the most bytes before the sums can pass 2^32 (zlib's NMAX).
  for (let i = 0; i < bytes.length; ) {
    const stop = Math.min(bytes.length, i + 5552);
    for (; i < stop; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
