/**
 * A small deterministic ustar writer: regular files only, uid/gid 0, no user or group names, the
 * mtime each member gives (default 0), so the same members always give the same bytes. Names longer
 * than 100 bytes are split into ustar's prefix field at a `/`; a name that cannot be split is refused.
 */
import { InputError } from '../errors/index.js';
import { encodeName } from '../util/byte-names.js';

/** A regular file to write; `data` is called once, when the member's turn comes. */
export interface TarFileMember {
  name: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Exact byte count `data` yields; anything else is an error (the header is already written). */
  size: number;
  /** Seconds since the epoch; default 0 (reproducible). */
  mtime?: number;
  data: () => AsyncIterable<Uint8Array>;
}

const BLOCK = 512;
/** ustar's 12-byte octal size field holds at most 8 GiB - 1. */
const MAX_SIZE = 0o77777777777;

/** The 512-byte ustar header of a regular file. */
export function ustarHeader(member: Omit<TarFileMember, 'data'>): Buffer {
  const header = Buffer.alloc(BLOCK);
  const { name, prefix } = splitName(member.name);
  if (!Number.isSafeInteger(member.size) || member.size < 0 || member.size > MAX_SIZE)
    throw new InputError(
      'TAR_TOO_LARGE',
      `${member.name}: size: expected 0-${MAX_SIZE} bytes for ustar, got ${member.size}`,
    );
  name.copy(header, 0);
  octal(header, 100, 8, member.mode & 0o7777);
  octal(header, 108, 8, 0); // uid
  octal(header, 116, 8, 0); // gid
  octal(header, 124, 12, member.size);
  octal(header, 136, 12, member.mtime ?? 0);
  header.fill(0x20, 148, 156); // chksum counts as spaces while summing
  header.write('0', 156, 'latin1');
  header.write('ustar\u000000', 257, 'latin1');
  octal(header, 329, 8, 0); // devmajor
  octal(header, 337, 8, 0); // devminor
  prefix.copy(header, 345);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  return header;
}

/** Yields the archive's bytes: each header, its data and padding, then the two zero blocks. */
export async function* writeTar(
  members: Iterable<TarFileMember> | AsyncIterable<TarFileMember>,
): AsyncGenerator<Buffer> {
  for await (const member of members) {
    yield ustarHeader(member);
    let written = 0;
    for await (const chunk of member.data()) {
      written += chunk.length;
      if (written > member.size) break;
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    if (written !== member.size)
      throw new InputError(
        'TAR_SIZE_CHANGED',
        `${member.name}: expected ${member.size} bytes, the source gave ${written > member.size ? 'more' : written}`,
      );
    const pad = (BLOCK - (member.size % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK);
}

function splitName(full: string): { name: Buffer; prefix: Buffer } {
  const bytes = encodeName(full);
  if (bytes.length === 0)
    throw new InputError('TAR_BAD_NAME', 'tar member name: expected a name, got an empty one');
  if (bytes.length <= 100) return { name: bytes, prefix: Buffer.alloc(0) };
  // The prefix takes everything before some `/`, at most 155 bytes, leaving at most 100 for the name.
  for (let at = Math.min(155, bytes.length - 1); at > 0; at -= 1) {
    if (bytes[at] === 0x2f && bytes.length - at - 1 <= 100 && bytes.length - at - 1 > 0)
      return { prefix: bytes.subarray(0, at), name: bytes.subarray(at + 1) };
  }
  throw new InputError(
    'TAR_NAME_TOO_LONG',
    `${full}: name: expected at most 100 bytes (or 255 split at a /), got ${bytes.length}`,
  );
}

function octal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, 'latin1');
}
