import { InputError } from '../errors/index.js';

/**
 * SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/) as a number, or
 * undefined when unset. Refuses (exit 2) a value that is not a non-negative integer.
 */
export function sourceDateEpoch(env: Readonly<NodeJS.ProcessEnv>): number | undefined {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    throw new InputError(
      'BAD_SOURCE_DATE_EPOCH',
      `SOURCE_DATE_EPOCH: expected a non-negative integer, got '${raw}'`,
    );
  }
  return Number(raw);
}
