import fs from 'node:fs';
import { InputError } from '../../errors/index.js';
import { makeDirs } from '../../util/make-dirs.js';
import type { ExtractWarning } from './types.js';

/**
 * Resolves the destination once, with realpath: the caller chose `dir`, so a symlink in `dir` itself is
 * theirs to follow; below it nothing is ever followed. A missing `dir` is created (with its parents).
 *
 * Returns the real path. Refuses (`EXTRACT_CONFLICT`): a `dir` that is not a directory; the filesystem
 * root; a non-empty directory owned by another user (someone else could plant links in it while we
 * write). A non-empty directory of our own is accepted with a `ROOT_NOT_EMPTY` warning: what is in it
 * is never followed, only replaced.
 */
export function prepareRoot(dir: string, warn: (warning: ExtractWarning) => void): string {
  if (!fs.existsSync(dir)) makeDirs(dir, 0o755);
  const root = fs.realpathSync(dir);
  const stats = fs.statSync(root);
  if (!stats.isDirectory()) {
    throw new InputError('EXTRACT_CONFLICT', `${dir}: expected a directory to extract into, got a file`, {
      dir,
    });
  }
  if (root === '/') {
    throw new InputError('EXTRACT_CONFLICT', `${dir}: expected a directory other than /, got /`, { dir });
  }
  if (fs.readdirSync(root).length > 0) {
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
  return root;
}
