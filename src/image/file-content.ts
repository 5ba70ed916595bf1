import { createReadStream, readFileSync } from 'node:fs';
import { escapeName, fsPath } from '../util/byte-names.js';
import { statRegularFile } from '../util/regular-file.js';

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
  const { size } = statRegularFile(path, label);
  const osPath = fsPath(path);
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
