import { basename } from 'node:path';
import { CheckError } from '../../errors/index.js';
import type { BaseStore } from '../../verify/base-store.js';
import { type VerifiedBase, verifyBase } from '../../verify/incremental.js';

/**
 * Verifies the base (once per content in a run; with `store`, once per content and build of the
 * tools across runs) and refuses one that fails.
 */
export async function verifiedBase(path: string, store?: BaseStore): Promise<VerifiedBase> {
  const base = await verifyBase(path, store === undefined ? {} : { store });
  if (!base.report.passed) {
    throw new CheckError(
      'BASE_VERIFY_FAILED',
      `${basename(path)}: the base image failed verification (${base.report.failures.length} failed checks); nothing was written`,
      { report: base.report },
    );
  }
  return base;
}
