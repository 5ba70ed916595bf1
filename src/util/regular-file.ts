import { type Stats, statSync } from 'node:fs';
import { InputError } from '../errors/index.js';
import { escapeName, fsPath } from './byte-names.js';
import { errnoOf, errnoWords } from './fs-errors.js';

/**
 * "This input is a regular file", checked one way for every tool: `stat` (a symlink to a file is
 * that file), then the type. Returns the stats.
 *
 * Refuses (InputError, exit 2) a path that cannot be stat'ed (`INPUT_NOT_FOUND`: `LABEL: cannot
 * read: no such file or directory`, the errno in words and in `data.errno`) and anything but a
 * regular file (`INPUT_NOT_FILE`: `LABEL: expected a regular file, found a directory`).
 *
 * @param label how messages name the input (default the path, escaped), e.g. `rock-init (./init)`.
 * The path may carry raw bytes (see `util/byte-names.ts`).
 */
export function statRegularFile(path: string, label = escapeName(path)): Stats {
  let st: Stats;
  try {
    st = statSync(fsPath(path));
  } catch (err) {
    const errno = errnoOf(err);
    if (errno === undefined) throw err;
    throw new InputError('INPUT_NOT_FOUND', `${label}: cannot read: ${errnoWords(errno)}`, { path, errno });
  }
  if (!st.isFile()) {
    throw new InputError('INPUT_NOT_FILE', `${label}: expected a regular file, found ${fileKind(st)}`, {
      path,
      found: fileKind(st),
    });
  }
  return st;
}

function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}
