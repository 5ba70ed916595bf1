import fs from 'node:fs';

/**
 * Random access to the bytes of one file (ELF headers, tables and strings are read where they lie).
 * For front-to-back reads of a stream, see `SequentialSource` (src/util/sequential-source.ts). `read` returns `min(length, size - offset)` bytes (fewer only at
 * the end of the file, none past it); it never throws for a range past the end.
 */
export interface RandomAccessSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/** A source over bytes already in memory. */
export function bufferSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read: (offset, length) =>
      bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length)),
  };
}

const PAGE = 4096;
const MAX_PAGES = 256;

/**
 * Wraps a reader of ranges with a 4 KiB page cache, so the many small reads of header parsing (headers,
 * dynamic entries, strings) cost a few reads of the underlying file. At most 1 MiB is cached per source.
 */
export function pagedSource(
  size: number,
  readRange: (offset: number, length: number) => Uint8Array,
): RandomAccessSource {
  const pages = new Map<number, Uint8Array>();
  const page = (index: number): Uint8Array => {
    let data = pages.get(index);
    if (data === undefined) {
      const start = index * PAGE;
      data = readRange(start, Math.min(PAGE, size - start));
      if (pages.size >= MAX_PAGES) pages.clear();
      pages.set(index, data);
    }
    return data;
  };
  return {
    size,
    read(offset, length) {
      const end = Math.min(offset + length, size);
      if (offset >= end) return new Uint8Array(0);
      const first = Math.floor(offset / PAGE);
      const last = Math.floor((end - 1) / PAGE);
      if (first === last) return page(first).subarray(offset - first * PAGE, end - first * PAGE);
      const out = new Uint8Array(end - offset);
      for (let i = first; i <= last; i++) {
        const p = page(i);
        const from = Math.max(offset, i * PAGE);
        const to = Math.min(end, i * PAGE + p.length);
        out.set(p.subarray(from - i * PAGE, to - i * PAGE), from - offset);
      }
      return out;
    },
  };
}

/** Reads exactly the requested range of an open descriptor (short only at end of file). */
export function readFdRange(fd: number, offset: number, length: number): Uint8Array {
  const out = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, out, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? out : out.subarray(0, done);
}
