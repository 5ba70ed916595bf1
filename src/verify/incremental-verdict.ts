/**
 * The checking half of incremental verification (incremental.ts), loaded while the base is being
 * read and unpacked: the contract checks, the loader's resolution and the file-level findings pull
 * in the YAML and schema libraries, which the unpacking does not need.
 */
import { hexOffset } from '../errors/index.js';
import { CHECKS } from './checks/index.js';
import { xzCheckFailure, zstdWindowFailure } from './compression.js';
import { checksStillTrue, type TracedChecks, traceChecks } from './incremental-checks.js';
import { type ElfReuse, elfDepsAfter, type TracedDeps, traceElfDeps } from './incremental-deps.js';
import type { CheckFailure, ImageTree, VerifyOptions, VerifyReport } from './types.js';
import { checkContract } from './verify.js';

/** The base's verdict, and what checking a segment on it reuses. */
export interface BaseVerdict {
  report: VerifyReport;
  deps: TracedDeps;
  checks: TracedChecks;
}

/** File headers by offset, as incremental.ts notes them (xz and zstd segments). */
export interface Headers {
  xz: ReadonlyMap<number, Uint8Array>;
  zstd: ReadonlyMap<number, Uint8Array>;
}

/** The full verification of a base's tree, each check traced for reuse on merged trees. */
export function baseVerdict(
  tree: ImageTree,
  options: VerifyOptions,
  headers: Headers,
  source: string,
): BaseVerdict {
  const deps = traceElfDeps(tree);
  const checks = traceChecks(tree, options, new Set(['elf-deps']));
  const results = new Map([...checks.byName].map(([name, traced]) => [name, traced.result]));
  const contract = checkContract(tree, options, results.set('elf-deps', deps.result));
  return { report: withFindings(contract, fileFindings(headers, source)), deps, checks };
}

/** What checking a merged tree needs of its base's verdict, and where it counts what it redid. */
export interface SegmentBase {
  deps: TracedDeps;
  checks: TracedChecks;
  elfChecks: Record<ElfReuse, number>;
  checksRun: Map<string, number>;
}

/**
 * The verdict on a merged tree (the base's with the paths in `changed` possibly different and
 * `moreNotes` notes added): the base's results where they still hold, the other checks run anew.
 */
export function segmentVerdict(
  base: SegmentBase,
  tree: ImageTree,
  change: { paths: ReadonlySet<string>; notes: number },
  options: VerifyOptions,
  headers: Headers,
  source: string,
): VerifyReport {
  const elf = elfDepsAfter(base.deps, tree, change.paths);
  base.elfChecks[elf.how] += 1;
  const known = checksStillTrue(base.checks, options, change.paths, change.notes);
  for (const check of CHECKS)
    if (check.name !== 'elf-deps' && !known.has(check.name))
      base.checksRun.set(check.name, (base.checksRun.get(check.name) ?? 0) + 1);
  const report = checkContract(tree, options, known.set('elf-deps', elf.result));
  return withFindings(report, fileFindings(headers, source));
}

/**
 * The file-level findings (xz checks, then zstd windows, each in file order) and how many headers
 * were checked, as `verifyImage` reports them after the contract's.
 */
function fileFindings({ xz, zstd }: Headers, source: string): { failures: CheckFailure[]; checked: number } {
  const failures: CheckFailure[] = [];
  const inOrder = (m: ReadonlyMap<number, Uint8Array>) => [...m].sort((a, b) => a[0] - b[0]);
  for (const [at, header] of inOrder(xz)) {
    const failure = xzCheckFailure(header, `${source}:${hexOffset(at)}`);
    if (failure) failures.push(failure);
  }
  for (const [at, header] of inOrder(zstd)) {
    const failure = zstdWindowFailure(header, `${source}:${hexOffset(at)}`);
    if (failure) failures.push(failure);
  }
  return { failures, checked: xz.size + zstd.size };
}

function withFindings(
  report: VerifyReport,
  more: { failures: CheckFailure[]; checked: number },
): VerifyReport {
  const failures = [...report.failures, ...more.failures];
  return { ...report, failures, passed: failures.length === 0, checked: report.checked + more.checked };
}
