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

/** A whole number (0 included) from an option's text; refuses anything else (exit 2) naming the flag. */
export function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new InputError('BAD_OPTION', `${flag}: expected a whole number, got '${value}'`);
  return n;
}
