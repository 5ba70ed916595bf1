import { createReadStream, readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors/index.js';

/** A file's content, read lazily: the size now, the bytes when opened. */
export interface FileContent {
  readonly size: number;
  open(): AsyncIterable<Uint8Array>;
}

/**
 * A lazy content source for a file on disk: the size is taken now, the bytes are read only when the
 * writer asks for them (so building a large image never holds it in memory).
 *
 * Refuses (INPUT_NOT_FOUND / INPUT_NOT_FILE) a path that does not exist or is not a regular file.
 */
export function fileContent(path: string, label = path): FileContent {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile())
      throw new InputError('INPUT_NOT_FILE', `${label}: expected a regular file, found ${kind(st)}`, {
        path,
      });
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(
      'INPUT_NOT_FOUND',
      `${label}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        path,
      },
    );
  }
  return {
    size,
    // Small files in one read: a stream per file costs more than the bytes (most of an image is
    // small files); large ones stream, so memory stays bounded.
    open: () => (size <= SMALL_FILE ? readWhole(path) : createReadStream(path, { highWaterMark: 1 << 20 })),
  };
}

const SMALL_FILE = 1 << 20;

async function* readWhole(path: string): AsyncGenerator<Uint8Array> {
  yield readFileSync(path);
}

function kind(st: { isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'a special file';
}
