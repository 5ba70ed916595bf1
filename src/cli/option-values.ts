import { InputError } from '../errors/index.js';

/** commander argument parser for a repeatable option: each use appends its value. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A positive number from an option's text; refuses anything else (exit 2) naming the flag. */
export function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InputError('BAD_OPTION', `${flag}: expected a positive number, got '${value}'`);
  return n;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  B: 1,
  K: 2 ** 10,
  M: 2 ** 20,
  G: 2 ** 30,
  T: 2 ** 40,
};

/**
 * A byte count from an option's text: `500M`, `2G`, `1.5G`, `4096`; K, M, G and T are powers of 1024
 * (`KiB`, `MB`... are read the same way). Refuses anything else (exit 2) naming the flag.
 */
export function byteSize(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([BKMGT]?)(?:i?B)?$/i.exec(value.trim());
  const n = m ? Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]! : Number.NaN;
  if (!Number.isSafeInteger(Math.floor(n)))
    throw new InputError('BAD_OPTION', `${flag}: expected a size like 500M or 2G, got '${value}'`);
  return Math.floor(n);
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A duration in milliseconds from an option's text: `7d`, `12h`, `90m`, `1d12h` (s, m, h, d, w). */
export function duration(flag: string, value: string): number {
  const text = value.trim();
  let ms = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+)([smhdw])/g)) {
    ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    matched += m[0];
  }
  if (matched === '' || matched !== text || !Number.isSafeInteger(ms))
    throw new InputError('BAD_OPTION', `${flag}: expected a duration like 7d, 12h or 90m, got '${value}'`);
  return ms;
}
