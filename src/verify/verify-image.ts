import { basename } from 'node:path';
import { readRecords } from '../cpio/index.js';
import { openInput } from '../util/open-input.js';
import type { VerifyOptions, VerifyReport } from './index.js';
import { verifyRecords } from './index.js';

/**
 * Reads an image file with our own streaming reader (no extraction, no external cpio), applies the
 * kernel's unpacking rules in memory and checks every contract item.
 *
 * Resolves with the report (its `passed` says whether the image can boot rock-init); rejects with
 * an InputError (exit 2) when the file is not a readable archive.
 *
 * @example
 * const report = await verifyImage('initrd.img', { cmdline: 'console=ttyS0 rdinit=/sbin/init' });
 * if (!report.passed) console.log(formatReport(report, 'initrd.img'));
 */
export async function verifyImage(
  path: string,
  options: VerifyOptions & { source?: string } = {},
): Promise<VerifyReport> {
  const source = options.source ?? basename(path);
  return verifyRecords(readRecords(openInput(path), { source }), options);
}
