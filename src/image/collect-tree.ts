import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { type EntryType, newInfo, type WriteEntry } from '../cpio/index.js';
import { InputError } from '../errors/index.js';
import { decodeName, encodeName, escapeName, fsPath, readNames } from '../util/byte-names.js';
import { withFsError } from '../util/fs-errors.js';
import { PATH_MAX } from '../util/path-limits.js';
import { fileContent } from './file-content.js';

/**
 * Walks a prepared root directory and returns one write entry per file, directory, symlink, device
 * node, fifo and socket below it, with names relative to the root (`usr/bin/x`), in no particular
 * order (the image transforms sort them).
 *
 * Symlinks are recorded, never followed. Files with several links inside the tree become one hard
 * link group. Ownership and times are copied as found; the reproducibility transform resets them.
 * Names are bytes: directories are read as bytes and each name is kept losslessly (see
 * `util/byte-names.ts`), so a name that is not UTF-8 reaches the archive exactly as it is on disk.
 *
 * Refuses (INPUT_NOT_FOUND / INPUT_NOT_DIRECTORY) a root that is missing or not a directory,
 * CPIO_NAME_TOO_LONG a name longer than the kernel's PATH_MAX, FS_ERROR any other fs failure (path
 * and errno in words); all exit 2.
 */
export function collectTree(root: string): WriteEntry[] {
  const rootStat = withFsError(root, 'cannot read', () => lstatSync(fsPath(root)), 'INPUT_NOT_FOUND');
  if (!rootStat.isDirectory()) {
    throw new InputError('INPUT_NOT_DIRECTORY', `${root}: expected a directory`, { path: root });
  }
  const entries: WriteEntry[] = [];
  // Iterative walk: no recursion depth limit to hit on deep trees.
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    const dir = join(root, rel);
    const names = withFsError(escapeName(dir), 'cannot read directory', () => readNames(dir));
    for (const name of names) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      checkNameLength(root, childRel);
      const abs = join(root, childRel);
      const st = withFsError(escapeName(abs), 'cannot read', () => lstatSync(fsPath(abs)));
      const entry = entryFor(childRel, abs, st);
      if (!entry) continue;
      entries.push(entry);
      if (st.isDirectory()) pending.push(childRel);
    }
  }
  return entries;
}

function entryFor(name: string, abs: string, st: Stats): WriteEntry | null {
  const type = entryType(st);
  const info = newInfo(name, type, st.mode & 0o7777, {
    uid: st.uid,
    gid: st.gid,
    mtime: Math.max(0, Math.floor(st.mtimeMs / 1000)),
    nlink: 1,
  });
  switch (type) {
    case 'file': {
      const entry: WriteEntry = { info: { ...info, size: st.size }, content: fileContent(abs) };
      // Several names for one inode inside the tree: keep them one file in the image.
      if (st.nlink > 1) entry.linkGroup = `${st.dev}:${st.ino}`;
      return entry;
    }
    case 'symlink': {
      const target = decodeName(
        withFsError(escapeName(abs), 'cannot read link', () =>
          readlinkSync(fsPath(abs), { encoding: 'buffer' }),
        ),
      );
      return { info: { ...info, linkTarget: target, size: encodeName(target).length } };
    }
    case 'char-device':
    case 'block-device':
      return { info: { ...info, rdevMajor: linuxMajor(st.rdev), rdevMinor: linuxMinor(st.rdev) } };
    default:
      return { info };
  }
}

/**
 * A name the kernel would skip (longer than PATH_MAX with its NUL, init/initramfs.c) is refused as the
 * archive writer refuses it, before the host's own PATH_MAX makes lstat fail with ENAMETOOLONG.
 */
function checkNameLength(root: string, name: string): void {
  const bytes = encodeName(name).length + 1;
  if (bytes <= PATH_MAX) return;
  const shown = escapeName(name.length > 64 ? `${name.slice(0, 64)}...` : name);
  throw new InputError(
    'CPIO_NAME_TOO_LONG',
    `${root}: ${shown}: name: expected <= ${PATH_MAX} bytes with the NUL (the kernel's PATH_MAX), got ${bytes}`,
    { path: root, name, field: 'name', expected: `<= ${PATH_MAX}`, actual: bytes },
  );
}

function entryType(st: Stats): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char-device';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isFIFO()) return 'fifo';
  return 'socket';
}

/** glibc's `major()` for Linux's 64-bit dev_t encoding. */
function linuxMajor(dev: number): number {
  const d = BigInt(dev);
  return Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
}

/** glibc's `minor()` for Linux's 64-bit dev_t encoding. */
function linuxMinor(dev: number): number {
  const d = BigInt(dev);
  return Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
}
