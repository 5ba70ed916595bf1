import { basename } from 'node:path';
import { readEntryBatches } from '../cpio/index.js';
import type { DepsResult } from '../deps/index.js';
import { openInput } from '../util/open-input.js';
import { imageDeps } from './image-deps.js';
import { unpackBatchesLikeKernel } from './unpack.js';

/**
 * The loader closure of every ELF file in an image file, resolved inside the image as it will be
 * unpacked at boot (what `rock-verify deps IMAGE` prints). Rejects with the reader's InputError on
 * an unreadable image.
 *
 * @example
 * const result = await imageDepsOf('rock.img');
 * for (const b of result.binaries) if (!b.ok) console.log(b.path);
 */
export async function imageDepsOf(path: string): Promise<DepsResult> {
  const batches = readEntryBatches(openInput(path), { source: basename(path) });
  return imageDeps(await unpackBatchesLikeKernel(batches));
}
