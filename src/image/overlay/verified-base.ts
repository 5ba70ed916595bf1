import { basename } from 'node:path';
import { CheckError } from '../../errors/index.js';
import { type VerifiedBase, verifyBase } from '../../verify/incremental.js';

/** Verifies the base (cached by content) and refuses one that fails. */
export async function verifiedBase(path: string): Promise<VerifiedBase> {
  const base = await verifyBase(path);
  if (!base.report.passed) {
    throw new CheckError(
      'BASE_VERIFY_FAILED',
      `${basename(path)}: the base image failed verification (${base.report.failures.length} failed checks); nothing was written`,
      { report: base.report },
    );
  }
  return base;
}
