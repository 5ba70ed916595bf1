import type { CpioRecord } from '../../cpio/index.js';
import { hexOffset, InputError } from '../../errors/index.js';

/** Codes of the errors extraction throws. */
export type ExtractErrorCode = 'PATH_ESCAPE' | 'PATH_INVALID' | 'EXTRACT_CONFLICT' | 'EXTRACT_LIMIT';

/** `0x1f4`, or `segment 1 0x1f4` past the first segment: offsets restart in each segment. */
export function recordPlace(record: CpioRecord): string {
  const { segment, offset } = record.origin;
  return segment === 0 ? hexOffset(offset) : `segment ${segment} ${hexOffset(offset)}`;
}

/**
 * An {@link InputError} (exit 2) about one record, e.g.
 * `0x1f4: "../x": expected a path inside the root, got a ".." component`.
 * `data` carries the entry name, offset, segment, and whatever `extra` adds.
 */
export function entryError(
  code: ExtractErrorCode,
  record: CpioRecord,
  detail: string,
  extra: Record<string, unknown> = {},
): InputError {
  const { name } = record.info;
  const { segment, offset } = record.origin;
  return new InputError(code, `${recordPlace(record)}: ${JSON.stringify(name)}: ${detail}`, {
    entry: name,
    offset,
    segment,
    ...extra,
  });
}
