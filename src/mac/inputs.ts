import { dispenserInputError } from './errors.js';
import type { MacStatus, Metadata } from './store.js';

/** Parses `--metadata` text; refuses (`METADATA_INVALID`) text that is not a JSON object. */
export function parseMetadata(text: string | undefined): Metadata | null {
  if (text === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw dispenserInputError(
      'METADATA_INVALID',
      `metadata: expected a JSON object, got invalid JSON: ${why}`,
      {
        field: 'metadata',
        actual: text,
      },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw dispenserInputError('METADATA_INVALID', `metadata: expected a JSON object, got ${kind}`, {
      field: 'metadata',
      actual: text,
    });
  }
  return value as Metadata;
}

/** Checks a device id or type: 1-256 printable characters. Refuses (`BAD_OPTION`) anything else. */
export function checkLabel(field: string, value: string): string {
  const control = [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  if (value.length === 0 || value.length > 256 || control) {
    throw dispenserInputError(
      'BAD_OPTION',
      `${field}: expected 1-256 printable characters, got ${JSON.stringify(value.slice(0, 80))}`,
      {
        field,
        actual: value.slice(0, 80),
      },
    );
  }
  return value;
}

/** `active|released|reserved|all` to a status list (undefined: all); refuses (`BAD_OPTION`) anything else. */
export function parseStatusFilter(text: string): readonly MacStatus[] | undefined {
  if (text === 'all') return undefined;
  if (text === 'active' || text === 'released' || text === 'reserved') return [text];
  throw dispenserInputError(
    'BAD_OPTION',
    `status: expected active, released, reserved or all, got '${text}'`,
    {
      field: 'status',
      actual: text,
    },
  );
}
