/**
 * Alpine kernel packages (linux-virt, linux-lts .apk, format v2): gzip streams concatenated, one
 * per tar segment (signature, control with .PKGINFO, data). Read as one gzip stream they form one
 * tar stream whose first segments lack end-of-archive blocks, which {@link readTar} tolerates.
 */
import fs from 'node:fs';
import { decompressStream } from './decompress.js';
import { type ExtractedFiles, extractKernelFiles } from './package-extract.js';

/**
 * Extracts the kernel, config, System.map and modules of the .apk at `file` into `dest`.
 *
 * Refuses (InputError) corrupt gzip (`DECOMPRESS_FAILED`) and everything {@link extractKernelFiles}
 * refuses (unsafe member names, no kernel).
 */
export async function extractApk(file: string, dest: string): Promise<ExtractedFiles> {
  return extractKernelFiles(decompressStream(fs.createReadStream(file), 'gzip', file), file, dest);
}
