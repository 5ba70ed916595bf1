/**
 * A streaming reader for the tar archives inside kernel packages: ustar, GNU long names (`L`/`K`)
 * and pax extended headers (`x`), which is what dpkg-deb and Alpine's abuild write. Parsed here
 * rather than by spawning tar, so every member name is checked before anything is written.
 */
import { hexOffset, InputError } from '../errors/index.js';
import { SequentialSource } from '../util/sequential-source.js';

/** One archive member as stored. */
export interface TarMember {
  /** Name as stored (after long-name and pax records), e.g. `./boot/vmlinuz-6.1.0-56-cloud-amd64`. */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  /** The raw typeflag, e.g. `0`, `5`, `2`. */
  typeflag: string;
  mode: number;
  size: number;
  /** Target of a symlink or hard link. */
  linkName: string;
  /** Offset of the member's header in the (decompressed) tar stream. */
  offset: number;
}

/** Decides, per member (called once for each), whether its data is needed; data not asked for is skipped. */
export type WantData = (member: TarMember) => boolean;

/** A member and, when asked for, its content as chunks (read them before asking for the next member). */
export interface TarItem {
  member: TarMember;
  data?: AsyncIterable<Buffer>;
}

const BLOCK = 512;
/** Longest pax or GNU long-name record we read into memory. */
const MAX_META_BYTES = 1 << 20;

/**
 * Yields every member of the tar stream `source`; `file` names the archive in messages.
 * Zero blocks are skipped rather than ending the archive: Alpine packages are tar segments
 * concatenated, the earlier ones cut without their end-of-archive blocks (abuild-tar --cut).
 *
 * Refuses (InputError `TAR_*`) a bad header checksum, a size that is not a number, and a stream that
 * ends inside a header or a member's data.
 */
export async function* readTar(
  source: AsyncIterable<Uint8Array>,
  file: string,
  want: WantData,
): AsyncGenerator<TarItem> {
  const reader = new SequentialSource(source);
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  for (;;) {
    const offset = reader.position;
    const got = await reader.take(BLOCK);
    if (got === 0) return;
    if (typeof got === 'number') truncated(file, offset, 'a header');
    const header = asBuffer(got);
    if (header.every((b) => b === 0)) continue;
    checkSum(header, file, offset);
    const typeflag = header[156] === 0 ? '0' : String.fromCharCode(header[156]!);
    const size =
      pax.size !== undefined ? Number(pax.size) : readNumber(header, 124, 12, file, offset, 'size');
    if (!Number.isSafeInteger(size) || size < 0) bad(file, offset, 'size', `a byte count, got ${pax.size}`);
    const padded = Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'L' || typeflag === 'K' || typeflag === 'x' || typeflag === 'g') {
      if (size > MAX_META_BYTES)
        bad(file, offset, 'size', `<= ${MAX_META_BYTES} for a '${typeflag}' record, got ${size}`);
      const body = await reader.take(padded);
      if (typeof body === 'number') truncated(file, offset, `a '${typeflag}' record`);
      const text = asBuffer(body).subarray(0, size).toString('utf8');
      if (typeflag === 'L') longName = text.replace(/\0+$/, '');
      else if (typeflag === 'K') longLink = text.replace(/\0+$/, '');
      else if (typeflag === 'x') pax = parsePax(text, file, offset);
      continue; // 'g' (global) records hold nothing a member name depends on here
    }

    const prefix = cString(header, 345, 155);
    const ustar = header.subarray(257, 262).toString('latin1') === 'ustar';
    const stored = ustar && prefix !== '' ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100);
    const member: TarMember = {
      name: pax.path ?? longName ?? stored,
      type: memberType(typeflag),
      typeflag,
      mode: readNumber(header, 100, 8, file, offset, 'mode') & 0o7777,
      size: typeflag === '5' || typeflag === '2' || typeflag === '1' ? 0 : size,
      linkName: pax.linkpath ?? longLink ?? cString(header, 157, 100),
      offset,
    };
    longName = undefined;
    longLink = undefined;
    pax = {};
    const dataBytes = member.size;
    if (want(member)) {
      let seen = 0;
      const data = (async function* () {
        for await (const chunk of chunks(reader, dataBytes)) {
          seen += chunk.length;
          yield chunk;
        }
      })();
      yield { member, data };
      await data.return(undefined); // the consumer may have stopped early: skip what it left
      const rest = dataBytes - seen;
      if (rest > 0 && (await discard(reader, rest)) < rest)
        truncated(file, offset, `the data of ${member.name}`);
      if ((await discard(reader, padded - dataBytes)) < padded - dataBytes)
        truncated(file, offset, 'padding');
    } else {
      yield { member };
      if ((await discard(reader, padded)) < padded) truncated(file, offset, `the data of ${member.name}`);
    }
  }
}

/** A Buffer view of `bytes` (no copy): the fields are parsed with Buffer's string methods. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Yields the next `n` bytes as the stream's own chunks, without holding them all. */
async function* chunks(reader: SequentialSource, n: number): AsyncGenerator<Buffer> {
  let left = n;
  while (left > 0) {
    const piece = await reader.nextChunk(left);
    if (piece === undefined) return;
    left -= piece.length;
    yield asBuffer(piece);
  }
}

/** Consumes up to `n` bytes without keeping them; returns how many were there. */
async function discard(reader: SequentialSource, n: number): Promise<number> {
  let left = n;
  while (left > 0) {
    const piece = await reader.nextChunk(left);
    if (piece === undefined) break;
    left -= piece.length;
  }
  return n - left;
}

function memberType(typeflag: string): TarMember['type'] {
  if (typeflag === '0' || typeflag === '7') return 'file';
  if (typeflag === '5') return 'directory';
  if (typeflag === '2') return 'symlink';
  if (typeflag === '1') return 'hardlink';
  return 'other';
}

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

/** Octal (space/NUL padded) or GNU base-256 (high bit of the first byte set). */
function readNumber(
  buf: Buffer,
  start: number,
  length: number,
  file: string,
  offset: number,
  field: string,
): number {
  const raw = buf.subarray(start, start + length);
  if ((raw[0]! & 0x80) !== 0) {
    let value = raw[0]! & 0x7f;
    for (let i = 1; i < length; i += 1) value = value * 256 + raw[i]!;
    return value;
  }
  const text = raw
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text))
    bad(file, offset + start, field, `an octal number, got ${JSON.stringify(text)}`);
  return Number.parseInt(text, 8);
}

function checkSum(header: Buffer, file: string, offset: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  const stored = readNumber(header, 148, 8, file, offset, 'chksum');
  if (stored !== sum) bad(file, offset + 148, 'chksum', `${sum} (sum of the header), got ${stored}`);
}

/** pax records: `<length> <key>=<value>\n`, length counting the whole record. */
function parsePax(text: string, file: string, offset: number): Record<string, string> {
  const out: Record<string, string> = {};
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  while (at < bytes.length) {
    const space = bytes.indexOf(0x20, at);
    const length = space < 0 ? Number.NaN : Number(bytes.subarray(at, space).toString('latin1'));
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > bytes.length) {
      bad(file, offset, 'pax record', `'<length> <key>=<value>', got ${JSON.stringify(text.slice(0, 40))}`);
    }
    const record = bytes.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

function bad(file: string, offset: number, field: string, expected: string): never {
  throw new InputError('TAR_BAD_HEADER', `${file}:${hexOffset(offset)}: tar ${field}: expected ${expected}`, {
    file,
    offset,
    field,
  });
}

function truncated(file: string, offset: number, what: string): never {
  throw new InputError('TAR_TRUNCATED', `${file}:${hexOffset(offset)}: tar stream ends inside ${what}`, {
    file,
    offset,
  });
}
