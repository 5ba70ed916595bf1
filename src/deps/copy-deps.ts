import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { makeDirs } from '../util/make-dirs.js';
import { type FsView, hostFs } from './fs-view.js';
import { resolveIn } from './resolve-path.js';
import type { BinaryDeps, DepsResult } from './types.js';

/** What `copyDeps` did at one path inside ROOTFS. */
export interface CopyAction {
  /** Path inside ROOTFS (absolute, as the loader sees it). */
  path: string;
  /**
   * `file` written, `symlink` created, `unchanged` (already identical), `kept-directory` (ROOTFS has a
   * real directory where the source has a directory symlink; the path still resolves), `copied-at-path`
   * (the real file also written where the requested path leads in ROOTFS).
   */
  action: 'file' | 'symlink' | 'unchanged' | 'kept-directory' | 'copied-at-path';
  target?: string;
}

/** The report of {@link copyDeps}. */
export interface CopyReport {
  rootfs: string;
  actions: CopyAction[];
  files: number;
  symlinks: number;
}

function conflict(rootfs: string, at: string, detail: string): InputError {
  return new InputError('COPY_CONFLICT', `${path.join(rootfs, at)}: ${detail}`, { rootfs, path: at });
}

/** Every (path, chain) the binaries need: interpreters and libraries found, scripts' interpreters too. */
function needs(binaries: readonly BinaryDeps[]): { path: string; chain: string[] }[] {
  const out = new Map<string, { path: string; chain: string[] }>();
  const visit = (b: BinaryDeps): void => {
    if (b.script) visit(b.script.target);
    for (const l of b.libraries)
      if (l.path !== null && l.realPath !== null)
        out.set(`${l.path}\0${l.realPath}`, { path: l.path, chain: l.chain });
  };
  binaries.forEach(visit);
  return [...out.values()];
}

/**
 * Copies the interpreter and libraries of resolved binaries from `source` into the directory `rootfs`, at
 * the same paths, recreating every symlink of each chain (so the names the loader asks for keep working)
 * and the real files (mode kept). Each file is written atomically; symlinks are created under a temporary
 * name and renamed into place. Inside ROOTFS every path is resolved inside it (absolute link targets
 * re-rooted, `..` clamped), so nothing outside ROOTFS is ever followed or written. An existing real
 * directory is never replaced by a symlink; if the requested path then leads elsewhere, the real file is
 * also written where it leads. Throws InputError COPY_CONFLICT when a regular file stands where a
 * directory is needed.
 */
export async function copyDeps(
  result: DepsResult | readonly BinaryDeps[],
  source: FsView,
  rootfs: string,
): Promise<CopyReport> {
  const root = path.resolve(rootfs);
  makeDirs(root);
  const target = hostFs(root);
  const report: CopyReport = { rootfs: root, actions: [], files: 0, symlinks: 0 };
  const done = new Set<string>();
  const record = (a: CopyAction): void => {
    report.actions.push(a);
    if (a.action === 'file' || a.action === 'copied-at-path') report.files++;
    if (a.action === 'symlink') report.symlinks++;
  };

  /** The host path of directory `dir` (inside ROOTFS), created as real directories where missing. */
  const ensureDir = (dir: string): string => {
    for (let guard = 0; guard < 4096; guard++) {
      const r = resolveIn(target, dir, true);
      if (r.ok) {
        if (r.type !== 'directory') throw conflict(root, r.path, 'expected a directory, found a file');
        return path.join(root, r.path);
      }
      if (r.reason !== 'ENOENT') throw conflict(root, r.at, `cannot make a directory here (${r.reason})`);
      fs.mkdirSync(path.join(root, r.at), { mode: 0o755 });
    }
    throw conflict(root, dir, 'too many directories to create');
  };

  const placeSymlink = (at: string, linkTarget: string): void => {
    const host = path.join(ensureDir(path.posix.dirname(at)), path.posix.basename(at));
    const st = fs.lstatSync(host, { throwIfNoEntry: false });
    if (st?.isSymbolicLink() && fs.readlinkSync(host) === linkTarget) {
      record({ path: at, action: 'unchanged', target: linkTarget });
      return;
    }
    if (st?.isDirectory()) {
      record({ path: at, action: 'kept-directory' });
      return;
    }
    if (st?.isSymbolicLink()) {
      const r = resolveIn(target, at, true);
      if (r.ok && r.type === 'directory') {
        record({ path: at, action: 'kept-directory', target: fs.readlinkSync(host) });
        return;
      }
    }
    const temp = path.join(
      path.dirname(host),
      `.${path.basename(host)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`,
    );
    fs.symlinkSync(linkTarget, temp);
    try {
      fs.renameSync(temp, host);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      throw err;
    }
    record({ path: at, action: 'symlink', target: linkTarget });
  };

  const placeFile = async (from: string, at: string, action: 'file' | 'copied-at-path'): Promise<void> => {
    const host = path.join(ensureDir(path.posix.dirname(at)), path.posix.basename(at));
    const st = fs.lstatSync(host, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw conflict(root, at, 'expected a file, found a directory');
    const data = source.read(from);
    if (st?.isFile() && st.size === data.length && Buffer.from(fs.readFileSync(host)).equals(data)) {
      record({ path: at, action: 'unchanged' });
      return;
    }
    await writeFileAtomic(host, data, { mode: source.lstat(from)?.mode ?? 0o755 });
    record({ path: at, action });
  };

  for (const need of needs(Array.isArray(result) ? result : (result as DepsResult).binaries)) {
    for (const hop of need.chain) {
      if (done.has(hop)) continue;
      done.add(hop);
      const st = source.lstat(hop);
      if (st?.type === 'symlink') placeSymlink(hop, source.readlink(hop));
      else await placeFile(hop, hop, 'file');
    }
    const real = need.chain[need.chain.length - 1] as string;
    const r = resolveIn(target, need.path, true);
    if (!r.ok || r.type !== 'file') {
      // A kept directory sent the requested path elsewhere: put the file where the loader will look.
      const where = r.ok ? r.path : need.path;
      if (r.ok) throw conflict(root, r.path, `expected ${need.path} to lead to a file, found a ${r.type}`);
      await placeFile(real, where, 'copied-at-path');
    }
  }
  return report;
}
