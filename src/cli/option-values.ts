import { InputError } from '../errors/index.js';

/**
 * Option values, parsed one way for every tool: one parser per kind of number. Each refuses what it
 * cannot use (InputError BAD_OPTION, exit 2) naming the flag, what it expected and what it got.
 */

/** commander argument parser for a repeatable option: each use appends its value. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function refuse(flag: string, expected: string, value: string): never {
  throw new InputError('BAD_OPTION', `${flag}: expected ${expected}, got '${value}'`, {
    flag,
    expected,
    actual: value,
  });
}

/** Decimal text only: `Number()` would also take '', ' 1', '0x10' and '1e3'. */
const DECIMAL = /^\d+(\.\d+)?$/;

/** A positive number (fractions allowed): `2.5`. */
export function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!DECIMAL.test(value) || n <= 0) refuse(flag, 'a positive number', value);
  return n;
}

/** A positive whole number: `256`, never `256.5` (nothing is rounded silently). */
export function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n <= 0 || !Number.isSafeInteger(n)) refuse(flag, 'a positive integer', value);
  return n;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};

/** A size in bytes: `4096`, `64K`, `64KiB`, `1.5G` (binary units); a whole, positive number of bytes. */
export function size(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(value);
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  const bytes = m && unit !== undefined ? Number(m[1]) * unit : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) refuse(flag, 'a size in bytes (4096, 64K, 1.5G)', value);
  return bytes;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  '': 1000,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A duration, in seconds unless a unit says otherwise (`60`, `2.5`, `90s`, `2m`, `500ms`), as milliseconds. */
export function durationMs(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value);
  const unit = DURATION_UNITS[m?.[2] ?? ''];
  const ms = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : 0;
  if (ms <= 0) refuse(flag, 'a positive duration in seconds (60, 2.5, 2m, 500ms)', value);
  return ms;
}

const AGE_UNITS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** An age, how long ago (`90m`, `12h`, `7d`, `2w`; the unit is required), as milliseconds. */
export function age(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(value);
  const ms = m ? Math.round(Number(m[1]) * AGE_UNITS[m[2]!]!) : 0;
  if (ms <= 0 || !Number.isSafeInteger(ms)) refuse(flag, 'an age like 90m, 12h, 7d or 2w', value);
  return ms;
}

/** A whole number, 0 included (`--level 0`): `/^\d+$/` only, nothing rounded. */
export function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) refuse(flag, 'a whole number', value);
  return n;
}
