import { hexOffset, InputError } from '../../errors/index.js';
import { quoteInput } from '../../util/quote-input.js';
import type { ExtractRecord } from './context.js';

/** Codes of the errors extraction throws. */
export type ExtractErrorCode = 'PATH_ESCAPE' | 'PATH_INVALID' | 'EXTRACT_CONFLICT' | 'EXTRACT_LIMIT';

/** `0x1f4`, or `segment 1 0x1f4` past the first segment: offsets restart in each segment. */
export function recordPlace(record: ExtractRecord): string {
  const { segment, offset } = record.origin;
  return segment === 0 ? hexOffset(offset) : `segment ${segment} ${hexOffset(offset)}`;
}

/**
 * An {@link InputError} (exit 2) about one record, e.g.
 * `0x1f4: "../x": expected a path inside the root, got a ".." component` (the name quoted with
 * {@link quoteInput}: escaped, at most 80 bytes). {@link extractRecords} prefixes the archive's name.
 * `data` carries the entry name, offset, segment, and whatever `extra` adds.
 */
export function entryError(
  code: ExtractErrorCode,
  record: ExtractRecord,
  detail: string,
  extra: Record<string, unknown> = {},
): InputError {
  const { name } = record.info;
  const { segment, offset } = record.origin;
  return new InputError(code, `${recordPlace(record)}: ${quoteInput(name)}: ${detail}`, {
    entry: name,
    offset,
    segment,
    ...extra,
  });
}
