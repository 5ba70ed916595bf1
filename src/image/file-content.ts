import { createReadStream, readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors/index.js';
import { escapeName, fsPath } from '../util/byte-names.js';
import { fsError } from '../util/fs-errors.js';

/** A file's content, read lazily: the size now, the bytes when opened. */
export interface FileContent {
  readonly size: number;
  open(): AsyncIterable<Uint8Array>;
}

/**
 * A lazy content source for a file on disk: the size is taken now, the bytes are read only when the
 * writer asks for them (so building a large image never holds it in memory).
 *
 * Refuses (INPUT_NOT_FOUND / INPUT_NOT_FILE) a path that does not exist or is not a regular file; the
 * errno is said in words. The path may carry raw bytes (see `util/byte-names.ts`).
 */
export function fileContent(path: string, label = escapeName(path)): FileContent {
  let size: number;
  const osPath = fsPath(path);
  try {
    const st = statSync(osPath);
    if (!st.isFile())
      throw new InputError('INPUT_NOT_FILE', `${label}: expected a regular file, found ${kind(st)}`, {
        path,
      });
    size = st.size;
  } catch (err) {
    throw fsError(err, label, 'cannot read', 'INPUT_NOT_FOUND');
  }
  return {
    size,
    // Small files in one read: a stream per file costs more than the bytes (most of an image is
    // small files); large ones stream, so memory stays bounded.
    open: () =>
      size <= SMALL_FILE ? readWhole(osPath) : createReadStream(osPath, { highWaterMark: 1 << 20 }),
  };
}

const SMALL_FILE = 1 << 20;

async function* readWhole(path: string | Buffer): AsyncGenerator<Uint8Array> {
  yield readFileSync(path);
}

function kind(st: { isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'a special file';
}
