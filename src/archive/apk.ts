/**
 * Alpine packages (.apk, format v2): gzip streams concatenated, one per tar segment (signature,
 * control with .PKGINFO, data). Read as one gzip stream they form one tar stream whose first segments
 * lack end-of-archive blocks, which `readTar` tolerates.
 */
import fs from 'node:fs';
import type { PackageTar } from './deb.js';
import { decompressStream } from './decompress.js';

/** The tar stream of the .apk at `file` (corrupt gzip: InputError `DECOMPRESS_FAILED` while reading). */
export function openApkTar(file: string): PackageTar {
  return { tar: decompressStream(fs.createReadStream(file), 'gzip', file), source: file };
}
