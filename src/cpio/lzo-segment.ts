import zlib from 'node:zlib';
import { adler32 } from '../compression/adler32.js';
import { CodecFailure } from '../compression/codec-failure.js';
import { decodeLzo1x } from '../compression/lzo1x-decode.js';
import type { SequentialSource } from '../util/sequential-source.js';
import type { StreamPlace } from './errors.js';
import { codecFailureError } from './segment-decoder.js';

const MAGIC = [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a];
/** The kernel's LZO_BLOCK_SIZE: no block may decode to more. */
const BLOCK_MAX = 256 * 1024;
const F_ADLER32_D = 0x1;
const F_ADLER32_C = 0x2;
const F_H_EXTRA_FIELD = 0x40;
const F_CRC32_D = 0x100;
const F_CRC32_C = 0x200;
const F_H_FILTER = 0x800;
const F_H_CRC32 = 0x1000;

interface LzopHeader {
  /** Checksum each block carries of its decoded bytes. */
  check: 'adler32' | 'crc32';
}

/**
 * Decodes one lzop file (RD_LZO: the kernel's lib/decompress_unlzo.c is the reference): the
 * header, then blocks of (u32 BE decoded size, u32 BE stored size, u32 checksum, data) up to a
 * zero size. What the kernel's parser takes, and no more: a version 0.94 or later header, an
 * LZO1X method, no filter (the kernel skips the word but does not undo the filter), no extra
 * field, and exactly one checksum per block, of the decoded data (lzop's default adler32, or
 * `--crc32`): the kernel reads every block as if that one word were there, so `lzop -F` (no
 * checksum) files are refused with that reason. Unlike the kernel, the header and block checksums
 * are verified. Each block is at most 256 KiB decoded, so memory stays at one block.
 */
export async function* unlzopStream(src: SequentialSource, place: StreamPlace): AsyncGenerator<Uint8Array> {
  try {
    const header = await readHeader(src);
    for (;;) {
      const at = src.position;
      const sizes = await need(src, 4, 'lzo block size');
      const decodedSize = be32(sizes, 0);
      if (decodedSize === 0) return;
      if (decodedSize > BLOCK_MAX) {
        throw new CodecFailure(
          'corrupt',
          at,
          'lzo block size',
          `<= ${BLOCK_MAX} (the kernel's LZO_BLOCK_SIZE)`,
          String(decodedSize),
        );
      }
      const rest = await need(src, 8, 'lzo block header');
      const storedSize = be32(rest, 0);
      const checksum = be32(rest, 4);
      if (storedSize === 0 || storedSize > decodedSize) {
        throw new CodecFailure(
          'corrupt',
          at + 4,
          'lzo compressed size',
          `1 to ${decodedSize} (the decoded size)`,
          String(storedSize),
        );
      }
      const dataAt = src.position;
      const data = await need(src, storedSize, 'lzo block');
      let out: Uint8Array;
      if (storedSize === decodedSize) out = data.slice();
      else {
        out = new Uint8Array(decodedSize);
        let written: number;
        try {
          written = decodeLzo1x(data, out);
        } catch (err) {
          if (err instanceof CodecFailure) {
            throw new CodecFailure(
              err.kind === 'truncated' ? 'corrupt' : err.kind,
              dataAt + err.offset,
              err.field,
              err.expected,
              err.actual,
            );
          }
          throw err;
        }
        if (written !== decodedSize) {
          throw new CodecFailure(
            'corrupt',
            dataAt,
            'lzo block',
            `${decodedSize} decoded bytes`,
            String(written),
          );
        }
      }
      const actual = header.check === 'adler32' ? adler32(out) : zlib.crc32(out);
      if (actual !== checksum) {
        throw new CodecFailure('corrupt', at + 8, `lzo block ${header.check}`, hex(actual), hex(checksum));
      }
      yield out;
    }
  } catch (err) {
    if (!(err instanceof CodecFailure)) throw err;
    throw codecFailureError(err, place);
  }
}

async function readHeader(src: SequentialSource): Promise<LzopHeader> {
  const start = src.position;
  const magic = await need(src, 9, 'lzop magic');
  if (!MAGIC.every((b, i) => magic[i] === b)) {
    throw new CodecFailure('corrupt', start, 'lzop magic', '89 4c 5a 4f 00 0d 0a 1a 0a', 'other bytes');
  }
  // Everything from the version to the end of the name is covered by the header checksum.
  const fixed = await need(src, 8, 'lzop header');
  const parts: Uint8Array[] = [fixed];
  const version = (fixed[0]! << 8) | fixed[1]!;
  if (version < 0x0940) {
    throw new CodecFailure(
      'corrupt',
      start + 9,
      'lzop version',
      '0x0940 or later (the header layout the kernel parses)',
      hex(version, 4),
    );
  }
  const method = fixed[6]!;
  if (method < 1 || method > 3) {
    throw new CodecFailure(
      'corrupt',
      start + 15,
      'lzop method',
      '1-3 (LZO1X, what the kernel decodes)',
      String(method),
    );
  }
  const flagsAt = src.position;
  const flagBytes = await need(src, 4, 'lzop flags');
  parts.push(flagBytes);
  const flags = be32(flagBytes, 0);
  if (flags & F_H_FILTER) {
    const filterAt = src.position;
    const filter = await need(src, 4, 'lzop filter');
    parts.push(filter);
    // The kernel skips the filter word and unpacks the filtered bytes: the cpio it sees is garbage.
    if (be32(filter, 0) !== 0) {
      throw new CodecFailure(
        'corrupt',
        filterAt,
        'lzop filter',
        'none (the kernel does not undo lzop --filter)',
        String(be32(filter, 0)),
      );
    }
  }
  const dataChecks = (flags & F_ADLER32_D ? 1 : 0) + (flags & F_CRC32_D ? 1 : 0);
  if (dataChecks !== 1 || flags & (F_ADLER32_C | F_CRC32_C) || flags & F_H_EXTRA_FIELD) {
    throw new CodecFailure(
      'corrupt',
      flagsAt,
      'lzop flags',
      'one checksum of the decoded data (adler32 or crc32), none of the compressed data and no extra field, as the kernel reads every block',
      `${hex(flags)}${dataChecks === 0 ? ' (no checksum: lzop -F)' : ''}`,
    );
  }
  const tail = await need(src, 4 + 4 + 4 + 1, 'lzop header');
  parts.push(tail);
  const name = await need(src, tail[12]!, 'lzop file name');
  parts.push(name);
  const sumAt = src.position;
  const stored = be32(await need(src, 4, 'lzop header checksum'), 0);
  const headerCrc = (flags & F_H_CRC32) !== 0;
  const actual = parts.reduce(
    (sum, part) => (headerCrc ? zlib.crc32(part, sum) : adler32(part, sum)),
    headerCrc ? 0 : 1,
  );
  if (actual !== stored) {
    throw new CodecFailure(
      'corrupt',
      sumAt,
      `lzop header ${headerCrc ? 'crc32' : 'adler32'}`,
      hex(actual),
      hex(stored),
    );
  }
  return { check: flags & F_ADLER32_D ? 'adler32' : 'crc32' };
}

async function need(src: SequentialSource, n: number, field: string): Promise<Uint8Array> {
  const at = src.position;
  const got = await src.take(n);
  if (typeof got === 'number')
    throw new CodecFailure('truncated', at, field, `${n} bytes`, `${got} before the end of input`);
  return got;
}

const be32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const hex = (n: number, digits = 8) => `0x${n.toString(16).padStart(digits, '0')}`;
