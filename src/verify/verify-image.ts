import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { readEntryBatches } from '../cpio/read-records.js';
import { CheckError } from '../errors/index.js';
import { openInput } from '../util/open-input.js';
import { noteCompressedSegments, xzCheckFailures, zstdWindowFailures } from './compression.js';
import type { CheckFailure, VerifyOptions, VerifyReport } from './types.js';
import { unpackBatchesLikeKernel } from './unpack.js';

/** Options of {@link verifyImage}: the record checks' options plus file-level ones. */
export interface VerifyImageOptions extends VerifyOptions {
  /** Name used in messages; default the file's base name. */
  source?: string;
  /** A minisign public key: the image's `<image>.minisig` must verify with it. */
  publicKey?: string;
  /**
   * The file's bytes as a stream, e.g. the very chunks being written to it (an image verified while
   * it is built); default: read from `path`. It must be the whole file and end only once `path`
   * holds it all (the xz and zstd header checks read `path` at the segment offsets found).
   */
  input?: AsyncIterable<Uint8Array>;
}

/**
 * Reads an image file with our own streaming reader (no extraction, no external cpio), applies the
 * kernel's unpacking rules in memory and checks every contract item, that the kernel's xz
 * decoder accepts every xz segment's integrity check and that it can allocate every zstd window; with `publicKey`, also checks the image's
 * minisign signature.
 *
 * Resolves with the report (its `passed` says whether the image can boot rock-init); rejects with
 * an InputError (exit 2) when the file is not a readable archive.
 *
 * @example
 * const report = await verifyImage('initrd.img', { cmdline: 'console=ttyS0 rdinit=/sbin/init' });
 * if (!report.passed) console.log(formatReport(report, 'initrd.img'));
 */
export async function verifyImage(path: string, options: VerifyImageOptions = {}): Promise<VerifyReport> {
  const source = options.source ?? basename(path);
  const starts = { xz: new Map<number, number>(), zstd: new Map<number, number>() };
  // Entries stream in batches: each file's data is read only as far as the checks need it (see
  // file-sample.ts), and small records cost no promise each.
  const input = options.input ?? openInput(path);
  // The checks and the dependency resolver they run load while the image streams in: the main
  // thread has turns to spare while zlib inflates on the thread pool.
  const checks = import('./verify.js');
  const batches = noteCompressedSegments(readEntryBatches(input, { source }), starts);
  const tree = await unpackBatchesLikeKernel(batches);
  const contract = (await checks).checkContract(tree, options);
  const xz = await xzCheckFailures(path, source, starts.xz);
  const zstd = await zstdWindowFailures(path, source, starts.zstd);
  const report = withFailures(withFailures(contract, xz.failures, xz.checked), zstd.failures, zstd.checked);
  if (options.publicKey === undefined) return report;
  const failure = await signatureFailure(path, options.publicKey);
  return withFailures(report, failure ? [failure] : [], 1);
}

function withFailures(report: VerifyReport, more: CheckFailure[], checked: number): VerifyReport {
  const failures = [...report.failures, ...more];
  return { ...report, failures, passed: failures.length === 0, checked: report.checked + checked };
}

async function signatureFailure(image: string, publicKey: string): Promise<CheckFailure | undefined> {
  const { SIGNATURE_SUFFIX, verifySignature } = await import('../security/sign.js');
  const signature = `${image}${SIGNATURE_SUFFIX}`;
  if (!existsSync(signature)) {
    const message = `${signature}: signature: expected a minisign signature beside the image, found nothing`;
    return { rule: 'signature.missing', path: signature, expected: 'a signature', found: 'nothing', message };
  }
  try {
    await verifySignature(image, publicKey);
    return undefined;
  } catch (err) {
    if (!(err instanceof CheckError)) throw err;
    return {
      rule: 'signature.invalid',
      path: signature,
      expected: 'a valid signature',
      found: err.code,
      message: err.message,
    };
  }
}
