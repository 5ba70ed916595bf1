import type { Compression } from '../compression/index.js';
import { hexOffset, InputError } from '../errors/index.js';

/** Where a stream of cpio bytes lives, so every message can point into the input file. */
export interface StreamPlace {
  /** File name used in messages. */
  source: string;
  /** Index of the segment (0 for the first). */
  segment: number;
  compression: Compression;
  /** Offset of the segment in the input file. */
  segmentOffset: number;
}

/**
 * Formats a position: `initrd.img:0x1f4` for an uncompressed segment (offsets are file offsets there),
 * `initrd.img: segment 1 (gzip) at 0x200, offset 0x1f4 in decompressed stream` inside a compressed one.
 */
export function placeText(place: StreamPlace, offset: number): string {
  if (place.compression === 'none') return `${place.source}:${hexOffset(place.segmentOffset + offset)}`;
  return `${place.source}: segment ${place.segment} (${place.compression}) at ${hexOffset(place.segmentOffset)}, offset ${hexOffset(offset)} in decompressed stream`;
}

/**
 * Builds the one-line typed error every reader failure uses:
 * `<place>: <field>: expected <expected>, got <actual>`.
 */
export function cpioError(
  code: string,
  place: StreamPlace,
  offset: number,
  field: string,
  expected: string,
  actual: string,
): InputError {
  return new InputError(code, `${placeText(place, offset)}: ${field}: expected ${expected}, got ${actual}`, {
    file: place.source,
    segment: place.segment,
    compression: place.compression,
    segmentOffset: place.segmentOffset,
    offset,
    field,
    expected,
    actual,
  });
}

/** Shows up to 16 bytes as hex for messages (`1f 8b 08 ...`). */
export function hexBytes(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > 16 ? `${shown} ...` : shown;
}
