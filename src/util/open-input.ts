import { createReadStream } from 'node:fs';
import { fsPath } from './byte-names.js';
import { statRegularFile } from './regular-file.js';

/**
 * Opens an input file as a stream of chunks, checking first that it exists and is a regular file so
 * the caller gets one clear line (INPUT_NOT_FOUND, INPUT_NOT_FILE) instead of a stream error later.
 */
export function openInput(path: string): AsyncIterable<Uint8Array> {
  statRegularFile(path);
  // 256 KiB reads: a decompressor is fed a read at a time, and each costs it a turn of the main thread.
  return createReadStream(fsPath(path), { highWaterMark: 1 << 18 });
}
