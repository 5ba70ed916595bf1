import fs from 'node:fs';
import path from 'node:path';
import { fsError } from '../util/fs-errors.js';
import { ensureDir } from './blob-store.js';
import { DIGEST_PATTERN, keyId, validateKey } from './key.js';
import type { StoreLayout } from './layout.js';
import type { CacheEntry } from './types.js';

/** What a ref file holds; `usedAt` is the file's mtime (touched by `get`, so the content is never rewritten for a read). */
export type RefRecord = Omit<CacheEntry, 'usedAt'>;

/** Longest ref file read: a ref is a few hundred bytes. */
const MAX_REF_BYTES = 64 * 1024;

/**
 * Writes a key's ref file: to a temp file in the store, fsynced, then renamed over `refs/<ab>/<id>.json`.
 * Concurrent writers of one key each rename a complete file: the last one wins, no one sees a mix
 * (never a shared index rewritten in place: linuxkit #4131).
 */
export function writeRef(layout: StoreLayout, record: RefRecord): CacheEntry {
  const target = layout.ref(keyId(record.key));
  ensureDir(layout.tmp);
  ensureDir(path.dirname(target));
  const temp = layout.newTemp();
  const body = `${JSON.stringify({ key: record.key, digest: record.digest, size: record.size, mode: record.mode, createdAt: record.createdAt })}\n`;
  try {
    const fd = fs.openSync(temp, 'wx', 0o644);
    try {
      fs.writeSync(fd, body);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw fsError(err, target, 'cannot write cache entry');
  }
  return { ...record, usedAt: Math.trunc(fs.statSync(target).mtimeMs) };
}

/** The entry of `key`, or undefined when there is none (or its ref file is unreadable: `verify` reports those). */
export function readRefOfKey(layout: StoreLayout, key: string): CacheEntry | undefined {
  const result = readRefFile(layout.ref(keyId(key)));
  return 'entry' in result && result.entry.key === key ? result.entry : undefined;
}

/** Reads one ref file; says why when it is not a valid entry. Absent files are `{ absent: true }`. */
export function readRefFile(file: string): { entry: CacheEntry } | { bad: string } | { absent: true } {
  let text: string;
  let mtimeMs: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { bad: 'not a regular file' };
    if (st.size > MAX_REF_BYTES) return { bad: `${st.size} bytes, more than a ref holds` };
    text = fs.readFileSync(file, 'utf8');
    mtimeMs = st.mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { absent: true };
    throw fsError(err, file, 'cannot read cache entry');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { bad: 'not JSON' };
  }
  const why = refProblem(value);
  if (why !== undefined) return { bad: why };
  const record = value as RefRecord;
  if (path.basename(file) !== `${keyId(record.key)}.json`) return { bad: 'file name does not match its key' };
  return {
    entry: {
      key: record.key,
      digest: record.digest,
      size: record.size,
      mode: record.mode,
      createdAt: record.createdAt,
      usedAt: Math.trunc(mtimeMs),
    },
  };
}

/** Why `value` is not a ref record, or undefined when it is one. */
export function refProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const v = value as Record<string, unknown>;
  if (typeof v.key !== 'string') return 'key: expected a string';
  try {
    validateKey(v.key);
  } catch (err) {
    return (err as Error).message;
  }
  if (typeof v.digest !== 'string' || !DIGEST_PATTERN.test(v.digest)) return 'digest: expected sha256:<hex>';
  if (!Number.isSafeInteger(v.size) || (v.size as number) < 0) return 'size: expected a byte count';
  if (!Number.isInteger(v.mode) || (v.mode as number) < 0 || (v.mode as number) > 0o777)
    return 'mode: expected permission bits 0-0777';
  if (!Number.isSafeInteger(v.createdAt)) return 'createdAt: expected milliseconds since the epoch';
  return undefined;
}

/** Records a use of the entry for LRU: sets the ref file's mtime, leaving its content alone. */
export function touchRef(layout: StoreLayout, key: string): number {
  const now = new Date();
  try {
    fs.utimesSync(layout.ref(keyId(key)), now, now);
  } catch {
    // Removed meanwhile, or a read-only store: the use simply goes unrecorded.
  }
  return now.getTime();
}

/** Every ref file path in the store (`refs/<ab>/<id>.json`), sorted. */
export function refFiles(layout: StoreLayout): string[] {
  const out: string[] = [];
  for (const shard of listDir(layout.refs)) {
    const dir = path.join(layout.refs, shard);
    for (const name of listDir(dir)) out.push(path.join(dir, name));
  }
  return out.sort();
}

/** Every blob's hex name (`blobs/sha256/<ab>/<hex>`), sorted; files with other names are ignored. */
export function blobHexes(layout: StoreLayout): string[] {
  const out: string[] = [];
  for (const shard of listDir(layout.blobs)) {
    for (const name of listDir(path.join(layout.blobs, shard)))
      if (/^[0-9a-f]{64}$/.test(name) && name.startsWith(shard)) out.push(name);
  }
  return out.sort();
}

/** Names in a directory, none when it does not exist yet. */
export function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw fsError(err, dir, 'cannot read directory');
  }
}
