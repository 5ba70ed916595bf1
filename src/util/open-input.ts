import { createReadStream, statSync } from 'node:fs';
import { InputError } from '../errors/index.js';
import { escapeName, fsPath } from './byte-names.js';
import { fsError } from './fs-errors.js';

/**
 * Opens an input file as a stream of chunks, checking first that it exists and is a regular file so
 * the caller gets one clear line (INPUT_NOT_FOUND, INPUT_NOT_FILE) instead of a stream error later.
 */
export function openInput(path: string): AsyncIterable<Uint8Array> {
  let isFile: boolean;
  const shown = escapeName(path);
  try {
    isFile = statSync(fsPath(path)).isFile();
  } catch (err) {
    throw fsError(err, shown, 'cannot read', 'INPUT_NOT_FOUND');
  }
  if (!isFile) throw new InputError('INPUT_NOT_FILE', `${shown}: expected a regular file`, { path });
  return createReadStream(fsPath(path), { highWaterMark: 1 << 20 });
}
