import { createReadStream, statSync } from 'node:fs';
import { InputError } from '../errors/index.js';

/**
 * Opens an input file as a stream of chunks, checking first that it exists and is a regular file so
 * the caller gets one clear line (INPUT_NOT_FOUND, INPUT_NOT_FILE) instead of a stream error later.
 */
export function openInput(path: string): AsyncIterable<Uint8Array> {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    throw new InputError(
      'INPUT_NOT_FOUND',
      `${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? err}`,
      {
        path,
      },
    );
  }
  if (!isFile) throw new InputError('INPUT_NOT_FILE', `${path}: expected a regular file`, { path });
  return createReadStream(path, { highWaterMark: 1 << 20 });
}
