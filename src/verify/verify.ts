import { CHECKS } from './checks/index.js';
import { analyzeCmdline } from './cmdline.js';
import type { CheckResult, ImageTree, VerifyOptions, VerifyReport } from './types.js';
import { type UnpackRecord, unpackLikeKernel } from './unpack.js';

/**
 * Runs every contract check over an unpacked tree. Returns a report that passed only when no check
 * failed (warnings do not fail it); with `options.cmdline`, the report also says whether that
 * command line reaches rock-init, and a command line that does not is a failure. Never throws for
 * a bad image: every problem is a failure in the report.
 * `known` gives results already computed for this very tree, by check name (the incremental
 * verification of node segments reuses a base's); those checks are not run again.
 * @example const report = checkContract(await unpackLikeKernel(records), { cmdline: 'rdinit=/sbin/init' });
 */
export function checkContract(
  tree: ImageTree,
  options: VerifyOptions = {},
  known: ReadonlyMap<string, CheckResult> = new Map(),
): VerifyReport {
  const report: VerifyReport = {
    passed: true,
    failures: [],
    warnings: [],
    notices: [],
    checked: 0,
    entries: tree.entries,
    segments: tree.segments,
  };
  for (const check of CHECKS) {
    const result = known.get(check.name) ?? check.run(tree, options);
    report.failures.push(...result.failures);
    report.warnings.push(...result.warnings);
    report.notices.push(...(result.notices ?? []));
    report.checked += result.checked;
  }
  if (options.cmdline !== undefined) report.cmdline = analyzeCmdline(options.cmdline, tree);
  report.passed = report.failures.length === 0;
  return report;
}

/**
 * Unpacks records the way the kernel does ({@link unpackLikeKernel}) and checks the contract
 * ({@link checkContract}). Rejects only when the record source itself rejects (e.g. the reader
 * finds a malformed archive).
 * @example const report = await verifyRecords(readRecords(input), { cmdline });
 */
export async function verifyRecords(
  records: AsyncIterable<UnpackRecord> | Iterable<UnpackRecord>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  return checkContract(await unpackLikeKernel(records), options);
}
