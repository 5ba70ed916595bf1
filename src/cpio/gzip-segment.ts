import type { TransformOptions } from 'node:stream';
import zlib from 'node:zlib';
import type { SequentialSource } from '../util/sequential-source.js';
import type { StreamPlace } from './errors.js';
import { decodeError, returnUnconsumed } from './segment-decoder.js';

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
/** Longest FNAME/FCOMMENT we skip; real ones are file names. */
const MAX_HEADER_STRING = 64 * 1024;
const FEED_SIZE = 256 * 1024;
/** Size of one inflated chunk, and how far inflation may run ahead of the reader. */
const CHUNK_SIZE = 128 * 1024;
const AHEAD = 1024 * 1024;

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
  for await (const chunk of inflateRaw(src, place)) {
    crc = zlib.crc32(chunk, crc);
    size += chunk.length;
    yield chunk;
  }
  const at = src.position;
  const trailer = await src.take(8);
  if (typeof trailer === 'number') {
    throw decodeError(
      'CPIO_TRUNCATED',
      place,
      at,
      'gzip trailer',
      '8 bytes (CRC-32, ISIZE)',
      `${trailer} before the end of input`,
    );
  }
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

async function need(
  src: SequentialSource,
  n: number,
  place: StreamPlace,
  field: string,
): Promise<Uint8Array> {
  const at = src.position;
  const got = await src.take(n);
  if (typeof got === 'number')
    throw decodeError('CPIO_TRUNCATED', place, at, field, `${n} bytes`, `${got} before the end of input`);
  return got;
}

async function readGzipHeader(src: SequentialSource, place: StreamPlace): Promise<void> {
  const start = src.position;
  const fixed = await need(src, 10, place, 'gzip header');
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
    const len = await need(src, 2, place, 'gzip FEXTRA length');
    await need(src, len[0]! | (len[1]! << 8), place, 'gzip FEXTRA');
  }
  if (flags & FNAME) await skipString(src, place, 'gzip FNAME');
  if (flags & FCOMMENT) await skipString(src, place, 'gzip FCOMMENT');
  if (flags & FHCRC) await need(src, 2, place, 'gzip FHCRC');
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
 * Pull-based InflateRaw: feeds one chunk at a time only when zlib has taken all it was given, and
 * stops feeding once zlib leaves input unconsumed (the deflate stream ended). Output waits in zlib's
 * readable buffer until the consumer asks, so a bomb cannot pile up in memory.
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
  const fed: Uint8Array[] = [];
  let fedBytes = 0;
  let trimmed = 0;
  let failure: (Error & { code?: string }) | undefined;
  let ended = false;
  let writing = false;
  let inputDone = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
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
    for (;;) {
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
      if (!writing && !inputDone && inflate.bytesWritten === fedBytes) {
        // Drop fed chunks zlib has fully consumed; keep the rest to return what it leaves.
        while (fed.length > 0 && trimmed + fed[0]!.length <= inflate.bytesWritten)
          trimmed += fed.shift()!.length;
        const chunk = await src.nextChunk(FEED_SIZE);
        if (chunk === undefined) {
          inputDone = true;
          inflate.end();
        } else {
          fed.push(chunk);
          fedBytes += chunk.length;
          writing = true;
          inflate.write(chunk, () => {
            writing = false;
            signal();
          });
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    returnUnconsumed(src, fed, fedBytes - inflate.bytesWritten);
  } finally {
    inflate.destroy();
  }
}
