import { basename } from 'node:path';
import { readEntryBatches } from '../cpio/read-records.js';
import type { ArchiveEntry, EntryType } from '../cpio/types.js';
import { escapeName } from '../util/byte-names.js';
import { openInput } from '../util/open-input.js';

/** One line of a listing, as `rock-image ls --json` prints it. */
export interface ListedEntry {
  name: string;
  type: EntryType;
  mode: string;
  perm: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  nlink: number;
  ino: number;
  rdev?: string;
  linkTarget?: string;
  /** A later member of a hard-link group (same ino, dev and type in one archive): the first one's name. */
  hardLinkTo?: string;
  segment: number;
  compression: string;
  offset: number;
}

/**
 * Lists every record of every segment of an image, in archive order, without extracting anything.
 * Names are the reader's exact-byte strings (see util/byte-names; {@link formatLong} escapes them).
 * Rejects with the reader's InputError on a malformed or truncated image.
 */
export function listImage(path: string): AsyncIterableIterator<ListedEntry> {
  return flatten(listImageBatches(path));
}

/**
 * {@link listImage} in batches (the records the reader parsed from one buffered chunk): a consumer
 * of 400,000 entries awaits a few hundred times instead of once per entry.
 */
export async function* listImageBatches(path: string): AsyncGenerator<ListedEntry[]> {
  // File data is never read, only skipped: listing a 1 GiB file costs one decoded chunk of memory.
  const firstOfGroup = new Map<string, string>();
  let archive = -1;
  for await (const batch of readEntryBatches(openInput(path), { source: basename(path) })) {
    const listed: ListedEntry[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i]!;
      const entry = toListed(record);
      // Hard-link groups end at each trailer, as the kernel's link table does.
      if (record.origin.archive !== archive) {
        archive = record.origin.archive;
        firstOfGroup.clear();
      }
      const { info } = record;
      if (info.nlink >= 2 && info.type !== 'directory') {
        const key = `${info.devMajor}:${info.devMinor}:${info.ino}:${info.type}`;
        const first = firstOfGroup.get(key);
        if (first === undefined) firstOfGroup.set(key, info.name);
        else entry.hardLinkTo = first;
      }
      listed[i] = entry;
    }
    yield listed;
  }
}

/**
 * The names of {@link listImage}, in batches, without building a {@link ListedEntry} per record: what
 * a plain `ls` prints (like `cpio -t`), at a fraction of the allocation for 400,000 entries. The same
 * records, the same order, the same errors.
 */
export async function* listImageNames(path: string): AsyncGenerator<string[]> {
  for await (const batch of readEntryBatches(openInput(path), { source: basename(path) })) {
    const names = new Array<string>(batch.length);
    for (let i = 0; i < batch.length; i++) names[i] = batch[i]!.info.name;
    yield names;
  }
}

/** One item per step over batches, without an async generator's promise chain per item. */
function flatten<T>(batches: AsyncGenerator<T[]>): AsyncIterableIterator<T> {
  let batch: T[] = [];
  let i = 0;
  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      while (i >= batch.length) {
        const step = await batches.next();
        if (step.done) return { done: true, value: undefined };
        batch = step.value;
        i = 0;
      }
      return { done: false, value: batch[i++]! };
    },
    async return(): Promise<IteratorResult<T>> {
      await batches.return(undefined);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function toListed(record: ArchiveEntry): ListedEntry {
  const { info, origin } = record;
  const entry: ListedEntry = {
    name: info.name,
    type: info.type,
    mode: modeString(info.type, info.perm),
    perm: info.perm,
    uid: info.uid,
    gid: info.gid,
    size: info.size,
    mtime: info.mtime,
    nlink: info.nlink,
    ino: info.ino,
    segment: origin.segment,
    compression: origin.compression,
    offset: origin.offset,
  };
  if (info.type === 'char-device' || info.type === 'block-device')
    entry.rdev = `${info.rdevMajor}:${info.rdevMinor}`;
  if (info.linkTarget !== undefined) entry.linkTarget = info.linkTarget;
  return entry;
}

const TYPE_CHAR: Record<EntryType, string> = {
  file: '-',
  directory: 'd',
  symlink: 'l',
  'char-device': 'c',
  'block-device': 'b',
  fifo: 'p',
  socket: 's',
};

/** `ls -l` style mode string, with setuid/setgid/sticky shown as s/S and t/T. */
export function modeString(type: EntryType, perm: number): string {
  // Every entry of a listing has one: built once per (type, perm), a few dozen distinct in an image.
  const bits = perm & 0o7777;
  let byPerm = MODE_STRINGS[type];
  if (byPerm === undefined) {
    byPerm = [];
    MODE_STRINGS[type] = byPerm;
  }
  let known = byPerm[bits];
  if (known === undefined) {
    known = buildModeString(type, bits);
    byPerm[bits] = known;
  }
  return known;
}

const MODE_STRINGS: Partial<Record<EntryType, string[]>> = {};

function buildModeString(type: EntryType, perm: number): string {
  const bit = (mask: number, ch: string) => (perm & mask ? ch : '-');
  const special = (exec: boolean, set: boolean, on: string) => {
    if (set) return exec ? on : on.toUpperCase();
    return exec ? 'x' : '-';
  };
  return [
    TYPE_CHAR[type],
    bit(0o400, 'r'),
    bit(0o200, 'w'),
    special((perm & 0o100) !== 0, (perm & 0o4000) !== 0, 's'),
    bit(0o040, 'r'),
    bit(0o020, 'w'),
    special((perm & 0o010) !== 0, (perm & 0o2000) !== 0, 's'),
    bit(0o004, 'r'),
    bit(0o002, 'w'),
    special((perm & 0o001) !== 0, (perm & 0o1000) !== 0, 't'),
  ].join('');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * One line in the layout of `cpio -tv --numeric-uid-gid` (times in UTC), names escaped like `ls -b`:
 * `-rwxr-xr-x   1 0        0           12345 Jan  1  1970 sbin/init`; a later hard link ends with
 * `link to FIRST`, a symlink with `-> TARGET`.
 */
export function formatLong(entry: ListedEntry, now = Date.now()): string {
  const sizeOrDev =
    entry.rdev !== undefined ? entry.rdev.replace(':', ', ').padStart(8) : String(entry.size).padStart(8);
  const date = new Date(entry.mtime * 1000);
  const recent = Math.abs(now - entry.mtime * 1000) < 182 * 24 * 3600 * 1000;
  const tail = recent
    ? `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`
    : ` ${date.getUTCFullYear()}`;
  const when = `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2)} ${tail}`;
  let name = escapeName(entry.name);
  if (entry.linkTarget !== undefined) name += ` -> ${escapeName(entry.linkTarget)}`;
  else if (entry.hardLinkTo !== undefined) name += ` link to ${escapeName(entry.hardLinkTo)}`;
  return `${entry.mode} ${String(entry.nlink).padStart(3)} ${String(entry.uid).padEnd(8)} ${String(entry.gid).padEnd(8)} ${sizeOrDev} ${when} ${name}`;
}
