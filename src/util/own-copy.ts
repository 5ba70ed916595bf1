/**
 * A copy of bytes in memory of its own. `Buffer#slice` (and `subarray`) are views: keeping one keeps
 * the whole decoded chunk it came from (64 KiB or more), so anything kept past the chunk it was read
 * from must be copied with this, never with `.slice()` on a Buffer.
 */
export function ownCopy(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes.length);
  out.set(bytes);
  return out;
}
