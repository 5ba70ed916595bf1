import { type LzmaNativeStream, lzmaNative } from '../compression/lzma-native.js';
import type { SequentialSource } from '../util/sequential-source.js';
import type { StreamPlace } from './errors.js';
import { decodeError } from './segment-decoder.js';

function newStream(): LzmaNativeStream {
  return new (lzmaNative().Stream)();
}

/**
 * Small input slices bound the output of one synchronous call (LZMA expands at most a few
 * thousand times), so a bomb stops at the caps instead of filling memory first.
 */
const FEED_SIZE = 4096;
/** A dictionary larger than this is refused (the header can ask for 1.5 GiB). */
const MEMLIMIT = 256 * 1024 * 1024;

/**
 * Decodes one .xz stream, as the kernel's unxz does per segment; liblzma stops at the stream footer
 * and reports how much input it consumed, so the stream padding and the next segment stay in `src`.
 */
export function unxzStream(src: SequentialSource, place: StreamPlace): AsyncGenerator<Uint8Array> {
  return liblzmaSegment(src, place, 'xz');
}

/**
 * Decodes one .lzma ("alone", LZMA1) stream, as the kernel's unlzma does (RD_LZMA, Debian's
 * COMPRESS=lzma): liblzma's alone decoder stops at the end marker or the declared size.
 */
export function unlzmaStream(src: SequentialSource, place: StreamPlace): AsyncGenerator<Uint8Array> {
  return liblzmaSegment(src, place, 'lzma');
}

async function* liblzmaSegment(
  src: SequentialSource,
  place: StreamPlace,
  format: 'xz' | 'lzma',
): AsyncGenerator<Uint8Array> {
  const stream = newStream();
  const outputs: Uint8Array[] = [];
  let finished = false;
  let failure: (Error & { code?: string }) | undefined;
  let totalIn = 0;
  stream.bufferHandler = (buf, _processed, err, inCount) => {
    if (inCount !== null) totalIn = inCount;
    if (buf) outputs.push(buf);
    else if (buf === null) {
      finished = true;
      if (err) failure = err;
    }
  };
  if (format === 'xz') stream.streamDecoder_(MEMLIMIT, 0);
  else stream.aloneDecoder_(MEMLIMIT);
  let fed = 0;
  try {
    for (;;) {
      const chunk = await src.nextChunk(FEED_SIZE);
      const at = src.position;
      stream.code(chunk ?? null, false);
      if (chunk) fed += chunk.length;
      while (outputs.length > 0) yield outputs.shift()!;
      if (failure) {
        const eof = chunk === undefined;
        throw decodeError(
          eof ? 'CPIO_TRUNCATED' : 'CPIO_DECOMPRESS',
          place,
          at,
          `${format} data`,
          eof ? `a complete ${format} stream` : `a valid ${format} stream`,
          eof ? 'the end of input' : `"${failure.message}"`,
        );
      }
      if (finished) {
        if (chunk) src.unshift(chunk.subarray(chunk.length - Math.min(chunk.length, fed - totalIn)));
        return;
      }
      if (chunk === undefined) {
        throw decodeError(
          'CPIO_TRUNCATED',
          place,
          at,
          `${format} data`,
          `a complete ${format} stream`,
          'the end of input',
        );
      }
    }
  } finally {
    if (!finished) stream.resetUnderlying();
  }
}
