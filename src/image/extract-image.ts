import { basename } from 'node:path';
import { readEntries } from '../cpio/index.js';
import { openInput } from '../util/open-input.js';
import { type ExtractOptions, type ExtractResult, extractRecords } from './extract/index.js';

/**
 * Extracts an image into `dir` with every defence of {@link extractRecords}: no write outside `dir`,
 * no write through a symlink, device nodes only when root (otherwise recorded and reported), a
 * missing `dir` staged and renamed into place on success. Memory stays flat whatever the file sizes.
 * Rejects with InputError naming the image on a malformed image or an unsafe entry.
 */
export async function extractImage(
  path: string,
  dir: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const source = basename(path);
  // Entries stream: each file's data goes to its file chunk by chunk, never whole into memory.
  return extractRecords(readEntries(openInput(path), { source }), dir, { source, ...options });
}
