/**
 * The inputs of a component: every file and symlink under its source directory, by relative path
 * (names are bytes), minus the manifest's excludes, `.git`, and the output directory (always: an
 * output is never an input). Each carries its content hash, so the list is what the key hashes and
 * what is copied into the build directory.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/index.js';
import { compareNames, decodeName, encodeName } from '../util/byte-names.js';
import { withFsError } from '../util/fs-errors.js';
import { excludeMatcher } from './exclude-patterns.js';

/** One input file or symlink. */
export interface SourceFile {
  /** Path relative to the source directory, `/`-separated (decoded bytes). */
  relative: string;
  kind: 'file' | 'symlink';
  /** Executable bit (a build script's mode matters); false for symlinks. */
  executable: boolean;
  /** sha256 of the content, or of the link target for a symlink. */
  sha256: string;
}

/** Options of {@link collectSources}. */
export interface CollectOptions {
  /** `.gitignore`-style patterns. */
  exclude: readonly string[];
  /** Absolute directories never read (the output directory). */
  skip: readonly string[];
}

/**
 * Lists the inputs under `root`, sorted by bytes. Refuses (InputError) a source that is not a
 * directory. Special files (fifos, devices, sockets) are not inputs and are left out.
 */
export function collectSources(root: string, options: CollectOptions): SourceFile[] {
  const stat = withFsError(
    root,
    'cannot read source directory',
    () => fs.statSync(root),
    'SOURCE_UNREADABLE',
  );
  if (!stat.isDirectory()) {
    throw new InputError('SOURCE_NOT_DIRECTORY', `${root}: source: expected a directory, found a file`, {
      path: root,
    });
  }
  const excluded = excludeMatcher(['.git/', ...options.exclude]);
  const skip = new Set(options.skip.map((p) => path.resolve(p)));
  const files: SourceFile[] = [];
  const walk = (dir: string, prefix: string): void => {
    const names = withFsError(dir, 'cannot list', () =>
      fs.readdirSync(encodeName(dir), { encoding: 'buffer' }),
    );
    for (const raw of names) {
      const name = decodeName(raw);
      const relative = prefix === '' ? name : `${prefix}/${name}`;
      const full = path.join(dir, name);
      const st = withFsError(full, 'cannot stat', () => fs.lstatSync(encodeName(full)));
      if (st.isDirectory()) {
        if (skip.has(full) || excluded(relative, true)) continue;
        walk(full, relative);
      } else if (st.isFile() || st.isSymbolicLink()) {
        if (excluded(relative, false)) continue;
        files.push(describeFile(full, relative, st));
      }
    }
  };
  walk(path.resolve(root), '');
  return files.sort((a, b) => compareNames(a.relative, b.relative));
}

function describeFile(full: string, relative: string, st: fs.Stats): SourceFile {
  const hash = createHash('sha256');
  if (st.isSymbolicLink()) {
    hash.update(
      withFsError(full, 'cannot read link', () => fs.readlinkSync(encodeName(full), { encoding: 'buffer' })),
    );
    return { relative, kind: 'symlink', executable: false, sha256: hash.digest('hex') };
  }
  hash.update(withFsError(full, 'cannot read', () => fs.readFileSync(encodeName(full))));
  return { relative, kind: 'file', executable: (st.mode & 0o111) !== 0, sha256: hash.digest('hex') };
}

/** Copies the listed inputs from `root` into the empty directory `dest` (files, modes, symlinks). */
export function copySources(root: string, files: readonly SourceFile[], dest: string): void {
  for (const f of files) {
    const from = path.join(root, f.relative);
    const to = path.join(dest, f.relative);
    fs.mkdirSync(encodeName(path.dirname(to)), { recursive: true });
    if (f.kind === 'symlink')
      fs.symlinkSync(fs.readlinkSync(encodeName(from), { encoding: 'buffer' }), encodeName(to));
    else {
      fs.copyFileSync(encodeName(from), encodeName(to));
      fs.chmodSync(encodeName(to), f.executable ? 0o755 : 0o644);
    }
  }
}
