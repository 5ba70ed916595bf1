import type { TransformOptions } from 'node:stream';
import zlib from 'node:zlib';
import { releaseYoungBuffers } from '../util/release-young-buffers.js';
import type { SequentialSource } from '../util/sequential-source.js';
import type { StreamPlace } from './errors.js';
import { decodeError, returnUnconsumed, takeOrTruncated } from './segment-decoder.js';

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
/** Longest FNAME/FCOMMENT we skip; real ones are file names. */
const MAX_HEADER_STRING = 64 * 1024;
const FEED_SIZE = 256 * 1024;
/**
 * Input bytes written to zlib and not yet consumed, at most (two of openInput's 256 KiB reads): zlib
 * should never wait for the main thread to hand it the next one.
 */
const FEED_AHEAD = 512 * 1024;
/**
 * Size of one inflated chunk. Each chunk costs zlib a turn of the main thread before it inflates the
 * next, so bigger chunks keep the thread pool busier while records are parsed; past 192 KiB the
 * chunks zlib allocates afresh each time leave glibc's heap fragmented (measured: `ls` of a 1 GiB
 * image peaks at 73 MB with 192 KiB, 79 with 256 KiB, 97 with 512 KiB).
 */
const CHUNK_SIZE = 192 * 1024;
/** How far inflation may run ahead of the reader. */
const AHEAD = 1024 * 1024;
/** Inflated bytes between two collections of the chunks zlib allocated (see releaseYoungBuffers). */
const RELEASE_EVERY = 4 * 1024 * 1024;

/**
 * Decodes one gzip member (RFC 1952) and no more, the way the kernel's gunzip does: the header is
 * parsed here, the deflate data goes through node:zlib's InflateRaw, whose `bytesWritten` says how
 * many input bytes it consumed, so the bytes after the member's 8-byte trailer are left for the next
 * segment. Verifies the trailer's CRC-32 and ISIZE.
 */
export async function* gunzipMember(src: SequentialSource, place: StreamPlace): AsyncGenerator<Uint8Array> {
  await readGzipHeader(src, place);
  let crc = 0;
  let size = 0;
  let release = RELEASE_EVERY;
  for await (const chunk of inflateRaw(src, place)) {
    crc = zlib.crc32(chunk, crc);
    size += chunk.length;
    yield chunk;
    if (size >= release) {
      release = size + RELEASE_EVERY;
      releaseYoungBuffers();
    }
  }
  const at = src.position;
  const trailer = await takeOrTruncated(src, 8, place, 'gzip trailer', '8 bytes (CRC-32, ISIZE)');
  const view = new DataView(trailer.buffer, trailer.byteOffset, 8);
  if (view.getUint32(0, true) !== crc) {
    throw decodeError(
      'CPIO_DECOMPRESS',
      place,
      at,
      'gzip CRC-32',
      `0x${crc.toString(16)}`,
      `0x${view.getUint32(0, true).toString(16)}`,
    );
  }
  if (view.getUint32(4, true) !== size % 0x100000000) {
    throw decodeError(
      'CPIO_DECOMPRESS',
      place,
      at + 4,
      'gzip ISIZE',
      String(size % 0x100000000),
      String(view.getUint32(4, true)),
    );
  }
}

async function readGzipHeader(src: SequentialSource, place: StreamPlace): Promise<void> {
  const start = src.position;
  const fixed = await takeOrTruncated(src, 10, place, 'gzip header');
  if (fixed[2] !== 8)
    throw decodeError('CPIO_DECOMPRESS', place, start + 2, 'gzip method', '8 (deflate)', String(fixed[2]));
  const flags = fixed[3]!;
  if (flags & 0xe0)
    throw decodeError(
      'CPIO_DECOMPRESS',
      place,
      start + 3,
      'gzip flags',
      'reserved bits clear',
      `0x${flags.toString(16)}`,
    );
  if (flags & FEXTRA) {
    const len = await takeOrTruncated(src, 2, place, 'gzip FEXTRA length');
    await takeOrTruncated(src, len[0]! | (len[1]! << 8), place, 'gzip FEXTRA');
  }
  if (flags & FNAME) await skipString(src, place, 'gzip FNAME');
  if (flags & FCOMMENT) await skipString(src, place, 'gzip FCOMMENT');
  if (flags & FHCRC) await takeOrTruncated(src, 2, place, 'gzip FHCRC');
}

async function skipString(src: SequentialSource, place: StreamPlace, field: string): Promise<void> {
  const start = src.position;
  for (;;) {
    const chunk = await src.nextChunk(MAX_HEADER_STRING);
    if (chunk === undefined)
      throw decodeError('CPIO_TRUNCATED', place, start, field, 'a NUL-terminated string', 'the end of input');
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      src.unshift(chunk.subarray(nul + 1));
      return;
    }
    if (src.position - start > MAX_HEADER_STRING) {
      throw decodeError('CPIO_DECOMPRESS', place, start, field, `at most ${MAX_HEADER_STRING} bytes`, 'more');
    }
  }
}

/**
 * InflateRaw fed ahead: up to {@link FEED_AHEAD} input bytes are written to zlib while the consumer
 * parses what it already has, so the thread pool keeps inflating instead of waiting for the next
 * pull. Output waits in zlib's readable buffer (at most {@link AHEAD} bytes) until the consumer asks,
 * so a bomb cannot pile up in memory. Once the deflate stream ends, zlib consumes nothing more
 * (`bytesWritten` stays the count it used): what was fed past the end, and a chunk being fetched
 * then, go back to `src` for the next segment.
 */
async function* inflateRaw(src: SequentialSource, place: StreamPlace): AsyncGenerator<Uint8Array> {
  // zlib inflates on the thread pool; a readable buffer of a few chunks lets it run ahead while the
  // records of the previous chunk are parsed (with the default 16 KiB it waits for every read), and
  // still bounds what a bomb can pile up.
  const options: zlib.ZlibOptions & TransformOptions = {
    chunkSize: CHUNK_SIZE,
    readableHighWaterMark: AHEAD,
  };
  const inflate = zlib.createInflateRaw(options);
  /** Chunks written (or fetched after the end), oldest first, from input offset `trimmed` on. */
  const fed: Uint8Array[] = [];
  let fedBytes = 0;
  let trimmed = 0;
  let failure: (Error & { code?: string }) | undefined;
  let readFailure: unknown;
  let readFailed = false;
  let ended = false;
  /** zlib stopped taking input (the deflate stream ended), or the generator is done. */
  let stopped = false;
  let inputDone = false;
  let inFlight = 0;
  let fetching: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const pump = (): void => {
    if (fetching || stopped || inputDone || failure || inFlight >= FEED_AHEAD) return;
    fetching = src.nextChunk(FEED_SIZE).then(
      (chunk) => {
        fetching = undefined;
        if (chunk === undefined) {
          inputDone = true;
          if (!stopped) inflate.end();
        } else {
          fed.push(chunk);
          fedBytes += chunk.length;
          if (!stopped) write(chunk);
        }
        signal();
        pump();
      },
      (err: unknown) => {
        fetching = undefined;
        readFailed = true;
        readFailure = err;
        signal();
      },
    );
  };
  const write = (chunk: Uint8Array): void => {
    inFlight += chunk.length;
    const upTo = fedBytes;
    inflate.write(chunk, () => {
      inFlight -= chunk.length;
      // A chunk zlib did not take whole: the deflate stream ended inside it.
      if (inflate.bytesWritten < upTo) stopped = true;
      // Drop fed chunks zlib has fully consumed; keep the rest to return what it leaves.
      while (fed.length > 0 && trimmed + fed[0]!.length <= inflate.bytesWritten)
        trimmed += fed.shift()!.length;
      signal();
      pump();
    });
  };
  inflate.on('readable', signal);
  inflate.on('end', () => {
    ended = true;
    signal();
  });
  inflate.on('error', (err) => {
    failure = err;
    signal();
  });
  try {
    pump();
    for (;;) {
      if (readFailed) throw readFailure;
      if (failure) {
        const eof = failure.code === 'Z_BUF_ERROR' || /unexpected end/i.test(failure.message);
        throw decodeError(
          eof ? 'CPIO_TRUNCATED' : 'CPIO_DECOMPRESS',
          place,
          src.position,
          'deflate data',
          eof ? 'a complete deflate stream' : 'valid deflate data',
          eof ? 'the end of input' : `"${failure.message}"`,
        );
      }
      const out: Buffer | null = inflate.read();
      if (out !== null) {
        yield out;
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    stopped = true;
    // A chunk being fetched when the stream ended comes after every fed one: wait for it.
    await fetching;
    if (readFailed) throw readFailure;
    returnUnconsumed(src, fed, fedBytes - inflate.bytesWritten);
  } finally {
    stopped = true;
    inflate.destroy();
  }
}
