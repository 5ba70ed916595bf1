/**
 * Test helpers: raw newc bytes built by hand (for hostile archives), entry builders, and small
 * runners around readRecords / NewcWriter. Not part of the library.
 */
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { ToolError } from '../../errors/index.js';
import { newInfo } from '../new-info.js';
import { FIELD_NAMES, type FieldName } from '../newc-header.js';
import { NewcWriter } from '../newc-writer.js';
import { type ReadOptions, readRecords } from '../read-records.js';
import type { CpioRecord, Info, WriteEntry } from '../types.js';

/** Header fields as numbers, or as raw 8-character strings to plant bad digits. */
export type RawFields = Partial<Record<FieldName, number | string>>;

/** 110 header bytes: `magic` then the 13 fields (numbers in uppercase hex, strings verbatim). */
export function rawHeader(fields: RawFields, magic = '070701'): string {
  let text = magic;
  for (const name of FIELD_NAMES) {
    const v = fields[name] ?? 0;
    text += typeof v === 'string' ? v : v.toString(16).toUpperCase().padStart(8, '0');
  }
  return text;
}

const pad = (n: number) => (4 - (n % 4)) % 4;

/**
 * One record: header, name bytes (a NUL is appended unless `noNul`), padding, data, padding.
 * `namesize` and `filesize` default to the true sizes; set them to lie.
 */
export function rawRecord(opts: {
  /** The name: text (UTF-8) or exact bytes. */
  name: string | Uint8Array;
  data?: Uint8Array | string;
  fields?: RawFields;
  magic?: string;
  noNul?: boolean;
}): Buffer {
  const given = typeof opts.name === 'string' ? Buffer.from(opts.name, 'utf8') : Buffer.from(opts.name);
  const name = opts.noNul ? given : Buffer.concat([given, Buffer.of(0)]);
  const data = typeof opts.data === 'string' ? Buffer.from(opts.data) : Buffer.from(opts.data ?? []);
  const fields: RawFields = {
    mode: 0o100644,
    nlink: 1,
    namesize: name.length,
    filesize: data.length,
    ...opts.fields,
  };
  const header = Buffer.from(rawHeader(fields, opts.magic), 'latin1');
  return Buffer.concat([
    header,
    name,
    Buffer.alloc(pad(110 + name.length)),
    data,
    Buffer.alloc(pad(data.length)),
  ]);
}

/** The TRAILER!!! record (as GNU cpio writes it, without block padding). */
export function rawTrailer(): Buffer {
  return rawRecord({ name: 'TRAILER!!!', fields: { mode: 0, nlink: 1 } });
}

/** Yields `bytes` in pieces of `size` bytes, to cross every chunk boundary. */
export async function* chunked(bytes: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Reads everything; `chunk` splits the input (default: one chunk). */
export async function readAll(
  bytes: Uint8Array,
  options: ReadOptions = {},
  chunk = 0,
): Promise<CpioRecord[]> {
  const out: CpioRecord[] = [];
  for await (const r of readRecords(
    chunk > 0 ? chunked(bytes, chunk) : chunked(bytes, bytes.length || 1),
    options,
  ))
    out.push(r);
  return out;
}

/** Reads and returns the ToolError thrown, failing the test if none (or another kind) is thrown. */
export async function readError(bytes: Uint8Array, options: ReadOptions = {}, chunk = 0): Promise<ToolError> {
  try {
    await readAll(bytes, options, chunk);
  } catch (err) {
    expect(err).toBeInstanceOf(ToolError);
    return err as ToolError;
  }
  throw new Error('expected the read to fail');
}

/** Collects what is written into a Buffer; `highWaterMark` small to force 'drain' waits. */
export class Collector extends Writable {
  readonly parts: Buffer[] = [];
  constructor(highWaterMark = 16 * 1024) {
    super({ highWaterMark });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.parts.push(Buffer.from(chunk));
    setImmediate(done);
  }
  get bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Writes entries with NewcWriter and returns the archive bytes. */
export async function writeAll(entries: readonly WriteEntry[], highWaterMark?: number): Promise<Buffer> {
  const out = new Collector(highWaterMark);
  const w = new NewcWriter(out);
  for (const e of entries) await w.write(e);
  await w.finish();
  await new Promise<void>((resolve) => out.end(resolve));
  return out.bytes;
}

/** An Info with every field set; override what matters. */
export function info(name: string, type: Info['type'], extra: Partial<Info> = {}): Info {
  return newInfo(name, type, type === 'directory' ? 0o755 : 0o644, extra);
}

export const dir = (name: string, extra: Partial<Info> = {}): WriteEntry => ({
  info: info(name, 'directory', extra),
});
export const file = (
  name: string,
  content: string | Uint8Array,
  extra: Partial<Info> = {},
  linkGroup?: string,
): WriteEntry => {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const entry: WriteEntry = { info: info(name, 'file', { size: bytes.length, ...extra }), content: bytes };
  if (linkGroup !== undefined) entry.linkGroup = linkGroup;
  return entry;
};
export const symlink = (name: string, target: string, extra: Partial<Info> = {}): WriteEntry => ({
  info: info(name, 'symlink', { perm: 0o777, linkTarget: target, size: Buffer.byteLength(target), ...extra }),
});
