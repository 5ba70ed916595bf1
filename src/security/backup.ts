import { constants, copyFileSync, lstatSync } from 'node:fs';
import { InputError } from '../errors/index.js';
import { errnoCode } from './key-file.js';

/** `20250102T030405Z`: UTC, sortable, no characters a shell or a filesystem minds. */
export function backupStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Copies `path` to `<path>.bak-<stamp>` (then `-1`, `-2`, ... if that exists), never overwriting, and
 * keeping the permission bits (copyfile(2) copies the mode). Returns the backup's path.
 *
 * Refuses BACKUP_FAILED (exit 2) when the copy cannot be made; the original is untouched then.
 */
export function backupFile(path: string, now: Date): string {
  const base = `${path}.bak-${backupStamp(now)}`;
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? base : `${base}-${n}`;
    try {
      lstatSync(candidate);
      continue;
    } catch {
      // Free name: try it (COPYFILE_EXCL still refuses if someone took it meanwhile).
    }
    try {
      copyFileSync(path, candidate, constants.COPYFILE_EXCL);
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new InputError('BACKUP_FAILED', `${path}: cannot back up to ${candidate}: ${errnoCode(err)}`, {
        path,
        backup: candidate,
      });
    }
  }
}
