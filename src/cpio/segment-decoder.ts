import type { CodecFailure } from '../compression/codec-failure.js';
import { hexOffset, InputError } from '../errors/index.js';
import type { SequentialSource } from '../util/sequential-source.js';
import type { StreamPlace } from './errors.js';

/**
 * Decodes one compressed segment that starts at the current position of `src`: yields decompressed
 * chunks, consumes exactly the segment's compressed bytes (anything read past its end is put back),
 * and throws CPIO_TRUNCATED or CPIO_DECOMPRESS when the data ends early or is corrupt.
 */
export type SegmentDecoder = (src: SequentialSource, place: StreamPlace) => AsyncGenerator<Uint8Array>;

/**
 * Consumes exactly `n` bytes of a segment's compressed input, or throws CPIO_TRUNCATED naming the
 * field and how many bytes were left (nothing is consumed then).
 */
export async function takeOrTruncated(
  src: SequentialSource,
  n: number,
  place: StreamPlace,
  field: string,
  expected = `${n} bytes`,
): Promise<Uint8Array> {
  const at = src.position;
  const got = await src.take(n);
  if (typeof got === 'number')
    throw decodeError('CPIO_TRUNCATED', place, at, field, expected, `${got} before the end of input`);
  return got;
}

/**
 * A decoder failure: `initrd.img:0x2f0: segment 1 (gzip) at 0x200: deflate: expected ..., got ...`
 * (the offset is in the input file, since the decompressed stream cannot be trusted there).
 */
export function decodeError(
  code: 'CPIO_TRUNCATED' | 'CPIO_DECOMPRESS',
  place: StreamPlace,
  inputOffset: number,
  field: string,
  expected: string,
  actual: string,
): InputError {
  return new InputError(
    code,
    `${place.source}:${hexOffset(inputOffset)}: segment ${place.segment} (${place.compression}) at ${hexOffset(place.segmentOffset)}: ${field}: expected ${expected}, got ${actual}`,
    {
      file: place.source,
      segment: place.segment,
      compression: place.compression,
      segmentOffset: place.segmentOffset,
      offset: inputOffset,
      field,
      expected,
      actual,
    },
  );
}

/** A decoder's {@link CodecFailure} as the segment's one-line InputError. */
export function codecFailureError(failure: CodecFailure, place: StreamPlace): InputError {
  return decodeError(
    failure.kind === 'truncated' ? 'CPIO_TRUNCATED' : 'CPIO_DECOMPRESS',
    place,
    failure.offset,
    failure.field,
    failure.expected,
    failure.actual,
  );
}

/** Puts the last `count` bytes of the fed chunks back into `src` (they belong to the next segment). */
export function returnUnconsumed(src: SequentialSource, fed: Uint8Array[], count: number): void {
  let left = count;
  for (let i = fed.length - 1; i >= 0 && left > 0; i--) {
    const chunk = fed[i]!;
    const take = Math.min(left, chunk.length);
    src.unshift(chunk.subarray(chunk.length - take));
    left -= take;
  }
}
