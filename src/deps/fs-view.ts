import fs from 'node:fs';
import path from 'node:path';
import type { ElfInfo, ElfVersions } from '../elf/index.js';
import { InputError } from '../errors/index.js';
import { readFdRange } from '../util/random-access-source.js';
import { resolveIn } from './resolve-path.js';

/** What `lstat` reports: the entry itself, never what a symlink points at. */
export interface FsStat {
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** Permission bits (mode & 0o7777) when the view knows them. */
  mode?: number;
  /** A file identity (e.g. `dev:ino`) when the view has one: two paths with the same id are one file. */
  id?: string;
}

/** An ELF object's facts, as `readElfSource` and `readElfVersionsSource` give them. */
export interface ElfKnown {
  readonly info: ElfInfo;
  readonly versions: ElfVersions;
}

/**
 * A read-only view of a filesystem tree, so one resolver runs on the host, inside a sysroot and inside an
 * image held in memory. Paths are absolute (`/usr/lib/libc.so.6`) inside the view.
 *
 * The resolver only ever passes paths whose directory part contains no symlink (it resolves every
 * component itself, with a 40-hop limit), so a view may treat paths literally: `lstat` and `readlink` act on
 * the last component, `read` and `readdir` are called on files and directories the resolver found.
 */
export interface FsView {
  /** The entry at `path`, or null when there is none. Never follows the last component. */
  lstat(path: string): FsStat | null;
  /** The target of the symlink at `path`, as stored. */
  readlink(path: string): string;
  /** `length` bytes from `start` (default: the whole file); fewer only at the end of the file. */
  read(path: string, start?: number, length?: number): Uint8Array;
  /** Names in a directory (needed only for `include` globs of ld.so.conf). */
  readdir?(path: string): string[];
  /**
   * What the view already parsed of the ELF file at `path` (a real path the resolver found), or
   * undefined: the resolver and the version check then use it instead of reading the file. The
   * verifier's tree keeps these facts rather than the bytes they come from.
   */
  elf?(path: string): ElfKnown | undefined;
  /**
   * This machine's own `/`: the loader would run on this CPU, so `$PLATFORM` is what glibc's ld.so
   * computes here (see `hostPlatform`), not the architecture's plain name.
   */
  readonly runsHere?: boolean;
}

function statOf(st: fs.Stats): FsStat {
  const type = st.isFile()
    ? 'file'
    : st.isDirectory()
      ? 'directory'
      : st.isSymbolicLink()
        ? 'symlink'
        : 'other';
  return { type, size: st.size, mode: st.mode & 0o7777, id: `${st.dev}:${st.ino}` };
}

function rawView(root: string): FsView {
  const real = (p: string): string => (root === '/' ? p : path.join(root, p));
  return {
    lstat(p) {
      try {
        return statOf(fs.lstatSync(real(p)));
      } catch {
        return null;
      }
    },
    readlink: (p) => fs.readlinkSync(real(p)),
    read(p, start = 0, length) {
      const fd = fs.openSync(real(p), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        const n = length ?? Math.max(0, fs.fstatSync(fd).size - start);
        return readFdRange(fd, start, n);
      } finally {
        fs.closeSync(fd);
      }
    },
    readdir: (p) => fs.readdirSync(real(p)),
  };
}

/**
 * The host filesystem, or the tree under `root` seen as `/` (a sysroot: `--root DIR`). With a root, every
 * path is resolved inside it before use: an absolute symlink target is re-rooted and `..` stops at the
 * root, so nothing outside `root` is ever read. Throws InputError ROOT_NOT_DIRECTORY for a bad root.
 */
export function hostFs(root = '/'): FsView {
  const abs = path.resolve(root);
  if (abs === '/') return { ...rawView('/'), runsHere: true };
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new InputError('ROOT_NOT_DIRECTORY', `${root}: root: expected a directory, found nothing`, {
      field: 'root',
      root,
    });
  }
  if (!st.isDirectory())
    throw new InputError('ROOT_NOT_DIRECTORY', `${root}: root: expected a directory, found a file`, {
      field: 'root',
      root,
    });
  const raw = rawView(abs);
  const dirs = new Map<string, string | null>();
  // The canonical form (inside the root) of a directory, cached: the kernel would follow symlinks in
  // parent components against the host's `/`, which must not happen in a sysroot.
  const canonicalDir = (dir: string): string | null => {
    let hit = dirs.get(dir);
    if (hit === undefined) {
      const r = resolveIn(raw, dir, true);
      hit = r.ok && r.type === 'directory' ? r.path : null;
      dirs.set(dir, hit);
    }
    return hit;
  };
  const inRoot = (p: string): string | null => {
    const norm = path.posix.normalize(`/${p}`);
    if (norm === '/') return '/';
    const dir = canonicalDir(path.posix.dirname(norm));
    return dir === null ? null : path.posix.join(dir, path.posix.basename(norm));
  };
  const resolved = (p: string): string => {
    const r = resolveIn(raw, p, true);
    if (!r.ok) throw Object.assign(new Error(`${p}: ${r.reason}`), { code: r.reason });
    return r.path;
  };
  return {
    lstat(p) {
      const q = inRoot(p);
      return q === null ? null : raw.lstat(q);
    },
    readlink(p) {
      const q = inRoot(p);
      if (q === null) throw Object.assign(new Error(`${p}: ENOENT`), { code: 'ENOENT' });
      return raw.readlink(q);
    },
    read: (p, start, length) => raw.read(resolved(p), start, length),
    readdir: (p) => raw.readdir?.(resolved(p)) ?? [],
  };
}
