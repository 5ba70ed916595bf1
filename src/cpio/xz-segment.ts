import { type LzmaNativeStream, lzmaNative } from '../compression/index.js';
import type { ByteSource } from './byte-source.js';
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
export async function* unxzStream(src: ByteSource, place: StreamPlace): AsyncGenerator<Uint8Array> {
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
  stream.streamDecoder_(MEMLIMIT, 0);
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
          'xz data',
          eof ? 'a complete xz stream' : 'a valid xz stream',
          eof ? 'the end of input' : `"${failure.message}"`,
        );
      }
      if (finished) {
        if (chunk) src.unshift(chunk.subarray(chunk.length - Math.min(chunk.length, fed - totalIn)));
        return;
      }
      if (chunk === undefined) {
        throw decodeError('CPIO_TRUNCATED', place, at, 'xz data', 'a complete xz stream', 'the end of input');
      }
    }
  } finally {
    if (!finished) stream.resetUnderlying();
  }
}
