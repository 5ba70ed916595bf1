import { basename } from 'node:path';
import { readRecords } from '../cpio/index.js';
import { openInput } from '../util/open-input.js';
import { type ExtractOptions, type ExtractResult, extractRecords } from './extract/index.js';

/**
 * Extracts an image into `dir` with every defence of {@link extractRecords}: no write outside `dir`,
 * no write through a symlink, device nodes only when root (otherwise recorded and reported).
 * Rejects with InputError on a malformed image or an unsafe entry.
 */
export async function extractImage(
  path: string,
  dir: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  return extractRecords(readRecords(openInput(path), { source: basename(path) }), dir, options);
}
