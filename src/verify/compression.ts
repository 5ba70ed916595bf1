/**
 * File-level compression check: the records say which segments are xz and where they start, but
 * not the Stream Header's check type, which only the file's bytes hold.
 */
import { open } from 'node:fs/promises';
// From the files, not the cpio barrel: the reader's path does not load the writer's modules.
import { XZ_HEADER_PREFIX, xzStreamCheck } from '../cpio/xz-check.js';
import { KERNEL_ZSTD_WINDOW_MAX, ZSTD_HEADER_PREFIX, zstdWindowSize } from '../cpio/zstd-window.js';
import { hexOffset } from '../errors/index.js';
import type { CheckFailure } from './types.js';
import type { UnpackRecord } from './unpack.js';

/**
 * Passes batches of records through unchanged, noting the file offset of every xz and zstd segment a
 * record came from (keyed by segment index): the file-level checks below read their headers.
 */
export async function* noteCompressedSegments<R extends UnpackRecord>(
  batches: AsyncIterable<readonly R[]>,
  starts: { xz: Map<number, number>; zstd: Map<number, number> },
): AsyncGenerator<readonly R[]> {
  for await (const batch of batches) {
    for (const { origin } of batch) {
      const { compression, segment, segmentOffset } = origin;
      if (compression === 'xz' && !starts.xz.has(segment)) starts.xz.set(segment, segmentOffset);
      if (compression === 'zstd' && !starts.zstd.has(segment)) starts.zstd.set(segment, segmentOffset);
    }
    yield batch;
  }
}

/**
 * Reads the Stream Header of each xz segment of the file at `path` (offsets from
 * {@link noteCompressedSegments}) and returns a `compression.xz-check` failure for each one whose check
 * the kernel's xz decoder refuses (anything but CRC32 or none, e.g. `xz`'s default CRC64), and the
 * number of segments checked. `source` names the image in messages.
 */
export async function xzCheckFailures(
  path: string,
  source: string,
  starts: ReadonlyMap<number, number>,
): Promise<{ failures: CheckFailure[]; checked: number }> {
  const failures: CheckFailure[] = [];
  if (starts.size === 0) return { failures, checked: 0 };
  const file = await open(path, 'r');
  try {
    for (const offset of [...starts.values()].sort((a, b) => a - b)) {
      const header = new Uint8Array(XZ_HEADER_PREFIX);
      await file.read(header, 0, header.length, offset);
      const failure = xzCheckFailure(header, `${source}:${hexOffset(offset)}`);
      if (failure) failures.push(failure);
    }
  } finally {
    await file.close();
  }
  return { failures, checked: starts.size };
}

/**
 * The `compression.xz-check` failure for the xz stream whose first bytes are `header` (at least
 * XZ_HEADER_PREFIX of them), found at `where`, or undefined when the kernel's decoder takes its check.
 */
export function xzCheckFailure(header: Uint8Array, where: string): CheckFailure | undefined {
  const check = xzStreamCheck(header);
  if (check === undefined || check.kernelDecodes) return undefined;
  const expected = 'CRC32 or none (xz --check=crc32)';
  return {
    rule: 'compression.xz-check',
    path: where,
    expected,
    found: check.name,
    message:
      `${where}: xz integrity check: expected ${expected}, found ${check.name}; ` +
      'the kernel fails with "Initramfs unpacking failed: Input was encoded with settings that are ' +
      'not supported by this XZ decoder"',
  };
}

/**
 * Reads the frame header of each zstd segment of the file at `path` and returns a
 * `compression.zstd-window` failure for each whose window is larger than the kernel allocates
 * ({@link KERNEL_ZSTD_WINDOW_MAX}; `zstd --long=30` and `--ultra -22` make such frames).
 */
export async function zstdWindowFailures(
  path: string,
  source: string,
  starts: ReadonlyMap<number, number>,
): Promise<{ failures: CheckFailure[]; checked: number }> {
  const failures: CheckFailure[] = [];
  if (starts.size === 0) return { failures, checked: 0 };
  const file = await open(path, 'r');
  try {
    for (const offset of [...starts.values()].sort((a, b) => a - b)) {
      const header = new Uint8Array(ZSTD_HEADER_PREFIX);
      await file.read(header, 0, header.length, offset);
      const failure = zstdWindowFailure(header, `${source}:${hexOffset(offset)}`);
      if (failure) failures.push(failure);
    }
  } finally {
    await file.close();
  }
  return { failures, checked: starts.size };
}

/**
 * The `compression.zstd-window` failure for the zstd frame whose first bytes are `header` (at least
 * ZSTD_HEADER_PREFIX of them), found at `where`, or undefined when the kernel can take its window.
 */
export function zstdWindowFailure(header: Uint8Array, where: string): CheckFailure | undefined {
  const window = zstdWindowSize(header);
  if (window === undefined || window <= KERNEL_ZSTD_WINDOW_MAX) return undefined;
  const expected = `at most ${mib(KERNEL_ZSTD_WINDOW_MAX)} (the kernel's unzstd limit)`;
  return {
    rule: ZSTD_RULE,
    path: where,
    expected,
    found: mib(window),
    message:
      `${where}: zstd window: expected ${expected}, found ${mib(window)}; ` +
      'the kernel cannot allocate it at boot (recompress without --long or --ultra)',
  };
}

/** The rule of {@link zstdWindowFailure}. */
export const ZSTD_RULE = 'compression.zstd-window';

function mib(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes} bytes`;
}
