/**
 * Incremental verification of per-node images (a verified base plus one small appended segment):
 * the base is read, unpacked and fully verified once, keyed by its sha256; each node's segment is
 * then read from its own bytes, its records placed after the base's as the kernel meets them
 * (segment and archive numbers, file offsets), the kernel's unpacking rules applied to the base's
 * records followed by the segment's, and every contract check re-run on that merged tree. Nothing
 * of the base is decompressed again. The verdict equals `verifyImage` of the combined file (a
 * differential test holds the two together).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Compression } from '../compression/index.js';
import {
  type CpioRecord,
  readRecords,
  XZ_HEADER_PREFIX,
  xzStreamCheck,
  ZSTD_HEADER_PREFIX,
} from '../cpio/index.js';
import { hexOffset } from '../errors/index.js';
import { ZSTD_RULE, zstdWindowFailure } from './compression.js';
import type { CheckFailure, VerifyOptions, VerifyReport } from './types.js';
import { unpackLikeKernel } from './unpack.js';
import { checkContract } from './verify.js';
import { type VerifyImageOptions, verifyImage } from './verify-image.js';

/** A base image, verified: what checking a segment on top of it needs. */
export interface VerifiedBase {
  path: string;
  sha256: string;
  /** Its length: where an appended segment starts. */
  bytes: number;
  /** The full verification of the base alone. */
  report: VerifyReport;
  /** Its records in file order (the trailers included), for merging. */
  records: CpioRecord[];
  /** How many segments and archives it holds: the segment's are numbered after them. */
  segments: number;
  archives: number;
  /** Compression of its last segment (an lz4 legacy one needs a zero word after it). */
  lastCompression: Compression;
  /** How many xz headers its verification checked (counted again in a merged verdict). */
  xzChecked: number;
  /** How many zstd frame headers (windows) its verification checked. */
  zstdChecked: number;
}

const bases = new Map<string, VerifiedBase>();

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * Verifies a base image once per content: a second call for a file with the same sha256 returns the
 * first result. Rejects like {@link verifyImage} when the file is not a readable archive.
 */
export async function verifyBase(path: string, options: VerifyImageOptions = {}): Promise<VerifiedBase> {
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const known = bases.get(sha256);
  if (known) return known;
  const source = options.source ?? basename(path);
  const report = await verifyImage(path, { ...options, source });
  const records: CpioRecord[] = [];
  for await (const record of readRecords(once(bytes), { source })) records.push(record);
  const last = records.at(-1)?.origin;
  const xzSegments = new Set(
    records.filter((r) => r.origin.compression === 'xz').map((r) => r.origin.segment),
  );
  const zstdSegments = new Set(
    records.filter((r) => r.origin.compression === 'zstd').map((r) => r.origin.segment),
  );
  const base: VerifiedBase = {
    path,
    sha256,
    bytes: bytes.length,
    report,
    records,
    segments: last ? last.segment + 1 : 0,
    archives: last ? last.archive + 1 : 0,
    lastCompression: last?.compression ?? 'none',
    xzChecked: xzSegments.size,
    zstdChecked: zstdSegments.size,
  };
  bases.set(sha256, base);
  return base;
}

/**
 * The verdict on `base` followed by `segment` (its bytes exactly as appended, leading padding
 * included), as if the combined file were verified whole. `source` names the combined image.
 */
export async function verifyWithSegment(
  base: VerifiedBase,
  segment: Uint8Array,
  options: VerifyOptions & { source?: string } = {},
): Promise<VerifyReport> {
  const source = options.source ?? 'image';
  // The segment read as it sits in the combined file: alignment rules count from the file's start,
  // so it is fed after the base's length modulo 4 in zero bytes, and offsets shifted by the rest.
  const lead = base.bytes % 4;
  const fed = Buffer.concat([Buffer.alloc(lead), segment]);
  const shift = base.bytes - lead;
  const added: CpioRecord[] = [];
  const xzStarts = new Set<number>();
  const zstdStarts = new Set<number>();
  for await (const record of readRecords(once(fed), { source })) {
    const origin = {
      ...record.origin,
      segment: record.origin.segment + base.segments,
      archive: record.origin.archive + base.archives,
      segmentOffset: record.origin.segmentOffset + shift,
    };
    if (origin.compression === 'xz') xzStarts.add(record.origin.segmentOffset);
    if (origin.compression === 'zstd') zstdStarts.add(record.origin.segmentOffset);
    added.push({ ...record, origin });
  }
  const report = checkContract(await unpackLikeKernel([...base.records, ...added]), options);
  const failures = [
    ...report.failures,
    // File-level findings of the base (its xz headers), then the segment's own.
    ...base.report.failures.filter((f) => f.rule === XZ_RULE),
    ...xzFailures(fed, xzStarts, shift, source),
    ...base.report.failures.filter((f) => f.rule === ZSTD_RULE),
    ...[...zstdStarts]
      .sort((a, b) => a - b)
      .flatMap((at) => {
        const header = fed.subarray(at, at + ZSTD_HEADER_PREFIX);
        return zstdWindowFailure(header, `${source}:${hexOffset(at + shift)}`) ?? [];
      }),
  ];
  return {
    ...report,
    failures,
    passed: failures.length === 0,
    checked: report.checked + base.xzChecked + xzStarts.size + base.zstdChecked + zstdStarts.size,
  };
}

const XZ_RULE = 'compression.xz-check';

/** The same finding as verifyImage's, for an xz segment whose check the kernel refuses. */
function xzFailures(segment: Uint8Array, starts: Set<number>, shift: number, source: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const at of [...starts].sort((a, b) => a - b)) {
    const check = xzStreamCheck(segment.subarray(at, at + XZ_HEADER_PREFIX));
    if (check === undefined || check.kernelDecodes) continue;
    const where = `${source}:${hexOffset(at + shift)}`;
    const expected = 'CRC32 or none (xz --check=crc32)';
    failures.push({
      rule: XZ_RULE,
      path: where,
      expected,
      found: check.name,
      message:
        `${where}: xz integrity check: expected ${expected}, found ${check.name}; ` +
        'the kernel fails with "Initramfs unpacking failed: Input was encoded with settings that are ' +
        'not supported by this XZ decoder"',
    });
  }
  return failures;
}
