/**
 * The window a zstd frame asks its decoder to allocate, from the frame header (RFC 8878 3.1.1.1):
 * the kernel's unzstd allocates it at boot, and a window the kernel cannot allocate oopses there
 * (measured: `zstd --long=30` on a 6.1 kernel). {@link KERNEL_ZSTD_WINDOW_MAX} is what the kernel's
 * lib/decompress_unzstd.c documents as the largest window zstd supports there (128 MiB, also
 * zstd's own default decoding limit without `--long`).
 */

/** 128 MiB (window log 27). */
export const KERNEL_ZSTD_WINDOW_MAX = 1 << 27;

/** Bytes of a frame header needed to know its window: magic, descriptor, window byte, up to 8 of size. */
export const ZSTD_HEADER_PREFIX = 18;

/**
 * The window size of the zstd frame starting at `head`, or undefined when `head` is not a zstd
 * frame header. A single-segment frame's window is its content size.
 */
export function zstdWindowSize(head: Uint8Array): number | undefined {
  if (head.length < 6 || head[0] !== 0x28 || head[1] !== 0xb5 || head[2] !== 0x2f || head[3] !== 0xfd) {
    return undefined;
  }
  const descriptor = head[4]!;
  const singleSegment = (descriptor & 0x20) !== 0;
  if (!singleSegment) {
    const wd = head[5]!;
    const exponent = wd >> 3;
    const mantissa = wd & 7;
    const base = 2 ** (10 + exponent);
    return base + (base / 8) * mantissa;
  }
  // Frame_Content_Size follows the descriptor (and the dictionary id, if any).
  const dictIdBytes = [0, 1, 2, 4][descriptor & 3]!;
  const fcsFlag = descriptor >> 6;
  const fcsBytes = [1, 2, 4, 8][fcsFlag]!;
  const at = 5 + dictIdBytes;
  if (head.length < at + fcsBytes) return undefined;
  let size = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + head[at + i]!;
  return fcsBytes === 2 ? size + 256 : size;
}
