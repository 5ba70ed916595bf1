import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { readTar, type TarFileMember, writeTar } from '../archive/index.js';
import { InputError } from '../errors/index.js';
import { createAtomicWriteStream } from '../util/atomic-write.js';
import { fsError } from '../util/fs-errors.js';
import { writeBlob } from './blob-store.js';
import { keyId } from './key.js';
import type { StoreLayout } from './layout.js';
import { READ_CHUNK } from './read-chunk.js';
import { type RefRecord, refProblem, writeRef } from './ref-store.js';
import type { CacheEntry, ExportReport, ImportReport } from './types.js';

/**
 * The export format, a plain ustar archive (readable with `tar tf`):
 *
 * - `blobs/sha256/<hex>` each blob once, before the first entry naming it;
 * - `entries/<sha256 of key>.json` one entry `{key, digest, size, mode, createdAt}`.
 *
 * Members come in key order with mtime 0, so one store always exports to the same bytes.
 */
export async function exportEntries(
  layout: StoreLayout,
  entries: CacheEntry[],
  file: string,
): Promise<ExportReport> {
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const report: ExportReport = { entries: 0, blobs: 0, bytes: 0 };
  const members: TarFileMember[] = [];
  const seen = new Set<string>();
  for (const entry of sorted) {
    const hex = entry.digest.slice('sha256:'.length);
    if (!seen.has(hex)) {
      seen.add(hex);
      const blob = layout.blob(hex);
      members.push({
        name: `blobs/sha256/${hex}`,
        mode: 0o444,
        size: entry.size,
        data: () => readBlob(blob),
      });
      report.blobs += 1;
      report.bytes += entry.size;
    }
    const record: RefRecord = {
      key: entry.key,
      digest: entry.digest,
      size: entry.size,
      mode: entry.mode,
      createdAt: entry.createdAt,
    };
    const body = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    members.push({
      name: `entries/${keyId(entry.key)}.json`,
      mode: 0o644,
      size: body.length,
      data: () => once(body),
    });
    report.entries += 1;
  }
  const out = createAtomicWriteStream(file, { mode: 0o644 });
  try {
    await pipeline(writeTar(members), out.stream, { end: false });
  } catch (err) {
    await out.abort();
    throw err;
  }
  await out.commit();
  return report;
}

/**
 * Reads an export: each blob is stored only if its bytes match its name, each entry only if its blob
 * is present (in the archive before it, or already in the store). Anything else in the archive is
 * refused. Entries stored before a refusal stay (each is complete on its own).
 */
export async function importEntries(layout: StoreLayout, file: string): Promise<ImportReport> {
  let source: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    source = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
  } catch (err) {
    throw fsError(err, file, 'cannot read');
  }
  const report: ImportReport = { entries: 0, blobs: 0 };
  for await (const { member, data } of readTar(source, file, (m) => m.type === 'file')) {
    const where = `${file}: ${member.name}`;
    const blob = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(member.name);
    const entry = /^entries\/([0-9a-f]{64})\.json$/.exec(member.name);
    if (data !== undefined && blob) {
      await writeBlob(layout, data, where, `sha256:${blob[1]}`);
      report.blobs += 1;
    } else if (data !== undefined && entry) {
      const record = parseEntry(await readSmall(data, where), where);
      if (keyId(record.key) !== entry[1])
        refuse(where, 'a member named by the sha256 of its key', record.key);
      if (!fs.existsSync(layout.blob(record.digest.slice(7))))
        refuse(where, `blob ${record.digest} earlier in the archive or in the store`, 'neither');
      writeRef(layout, record);
      report.entries += 1;
    } else {
      refuse(
        `${file}: ${member.name}`,
        'blobs/sha256/<hex> or entries/<hex>.json (a file)',
        `a ${member.type}`,
      );
    }
  }
  return report;
}

function parseEntry(text: string, where: string): RefRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    refuse(where, 'a JSON entry', JSON.stringify(text.slice(0, 40)));
  }
  const why = refProblem(value);
  if (why !== undefined) refuse(where, 'a cache entry', why);
  const v = value as RefRecord;
  return { key: v.key, digest: v.digest, size: v.size, mode: v.mode, createdAt: v.createdAt };
}

async function readSmall(data: AsyncIterable<Buffer>, where: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of data) {
    size += chunk.length;
    if (size > 64 * 1024) refuse(where, 'an entry of at most 64 KiB', `${size}+ bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function refuse(where: string, expected: string, got: string): never {
  throw new InputError('CACHE_BAD_IMPORT', `${where}: expected ${expected}, got ${got}`, { where });
}

async function* readBlob(file: string): AsyncIterable<Uint8Array> {
  try {
    yield* fs.createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>;
  } catch (err) {
    throw fsError(err, file, 'cannot read cached blob');
  }
}

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}
