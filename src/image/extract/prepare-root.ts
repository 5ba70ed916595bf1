import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../errors/index.js';
import { withFsError } from '../../util/fs-errors.js';
import { makeDirs } from '../../util/make-dirs.js';
import { removeTree } from './remove-tree.js';
import type { ExtractWarning } from './types.js';

/** Where a run writes: `root` (a realpath), and the fresh directory to rename onto `dir`, if any. */
export interface PreparedRoot {
  root: string;
  /** Set when `dir` did not exist: the run fills this temporary directory beside it, then renames it. */
  staging?: { temp: string; dir: string };
}

/**
 * Resolves the destination once, with realpath: the caller chose `dir`, so a symlink in `dir` itself is
 * theirs to follow; below it nothing is ever followed. A missing `dir` is not created: a fresh
 * temporary directory beside it (`.NAME.extract-PID-RANDOM`) is, and the run renames it onto `dir`
 * on success ({@link finishRoot}), so a failed run leaves no partial tree.
 *
 * Refuses (`EXTRACT_CONFLICT`): a `dir` that is not a directory; the filesystem root; a non-empty
 * directory owned by another user (someone else could plant links in it while we write). A
 * non-empty directory of our own is accepted with a `ROOT_NOT_EMPTY` warning: what is in it is never
 * followed, only replaced. A filesystem failure (EROFS, EPERM, ...) is a one-line `FS_ERROR` naming
 * the path and the errno in words.
 */
export function prepareRoot(dir: string, warn: (warning: ExtractWarning) => void): PreparedRoot {
  if (!fs.existsSync(dir)) {
    const parent = path.dirname(path.resolve(dir));
    withFsError(parent, 'cannot create directory', () => makeDirs(parent, 0o755));
    const temp = path.join(
      parent,
      `.${path.basename(dir)}.extract-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    withFsError(temp, 'cannot create directory', () => fs.mkdirSync(temp, { mode: 0o700 }));
    return { root: fs.realpathSync(temp), staging: { temp, dir } };
  }
  const root = withFsError(dir, 'cannot resolve', () => fs.realpathSync(dir));
  const stats = fs.statSync(root);
  if (!stats.isDirectory()) {
    throw new InputError('EXTRACT_CONFLICT', `${dir}: expected a directory to extract into, got a file`, {
      dir,
    });
  }
  if (root === '/') {
    throw new InputError('EXTRACT_CONFLICT', `${dir}: expected a directory other than /, got /`, { dir });
  }
  if (withFsError(dir, 'cannot read directory', () => fs.readdirSync(root)).length > 0) {
    const uid = process.getuid?.();
    if (uid !== undefined && stats.uid !== uid) {
      throw new InputError(
        'EXTRACT_CONFLICT',
        `${dir}: expected an empty directory or one owned by uid ${uid}, got a non-empty one owned by uid ${stats.uid}`,
        { dir, owner: stats.uid },
      );
    }
    warn({
      code: 'ROOT_NOT_EMPTY',
      path: root,
      message: `${root}: already holds files; they are replaced, never followed`,
    });
  }
  return { root };
}

/** Success: a staged tree gets mode 0755 (it was 0700 while filling) and is renamed onto `dir`. */
export function finishRoot(prepared: PreparedRoot): void {
  const { staging } = prepared;
  if (staging === undefined) return;
  fs.chmodSync(staging.temp, 0o755);
  withFsError(staging.dir, 'cannot move the extracted tree into place', () =>
    fs.renameSync(staging.temp, staging.dir),
  );
}

/**
 * Failure: a staged tree is removed whole (nothing is left behind, at no mode), however deep.
 * Returns the path left behind if even that failed (the caller names it), else undefined.
 */
export function abandonRoot(prepared: PreparedRoot): string | undefined {
  if (prepared.staging === undefined) return undefined;
  try {
    removeTree(prepared.staging.temp);
    return undefined;
  } catch {
    return prepared.staging.temp;
  }
}
