import { basename } from 'node:path';
import { type CpioRecord, type EntryType, readRecords } from '../cpio/index.js';
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
  segment: number;
  compression: string;
  offset: number;
}

/**
 * Lists every record of every segment of an image, in archive order, without extracting anything.
 * Rejects with the reader's InputError on a malformed or truncated image.
 */
export async function* listImage(path: string): AsyncGenerator<ListedEntry> {
  // Data is skipped, not assembled: listing a 30 MB file costs one decoded chunk of memory, not 30 MB.
  for await (const record of readRecords(openInput(path), { source: basename(path), skipData: true })) {
    yield toListed(record);
  }
}

function toListed(record: CpioRecord): ListedEntry {
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
 * One line in the layout of `cpio -tv --numeric-uid-gid` (times in UTC):
 * `-rwxr-xr-x   1 0        0           12345 Jan  1  1970 sbin/init`.
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
  const name = entry.linkTarget !== undefined ? `${entry.name} -> ${entry.linkTarget}` : entry.name;
  return `${entry.mode} ${String(entry.nlink).padStart(3)} ${String(entry.uid).padEnd(8)} ${String(entry.gid).padEnd(8)} ${sizeOrDev} ${when} ${name}`;
}
