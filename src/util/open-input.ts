import { createReadStream } from 'node:fs';
import { statRegularFile } from './regular-file.js';

/**
 * Opens an input file as a stream of chunks, checking first that it exists and is a regular file so
 * the caller gets one clear line (INPUT_NOT_FOUND, INPUT_NOT_FILE) instead of a stream error later.
 */
export function openInput(path: string): AsyncIterable<Uint8Array> {
  statRegularFile(path);
  return createReadStream(path, { highWaterMark: 1 << 20 });
}
