/**
 * The environment a builder runs in, built from nothing: PATH and HOME (so toolchains are found and
 * can keep their own caches), SOURCE_DATE_EPOCH (default 0, for reproducible outputs), the variables
 * the component allowlists, then the builder's own (GOOS, RUSTFLAGS, ...). Nothing else of the
 * caller's environment reaches the build; an allowlisted variable that is unset stays unset.
 */
import { createHash } from 'node:crypto';

/** The variables every build gets from the caller, whatever the allowlist says. */
export const ALWAYS_PASSED = ['PATH', 'HOME', 'SOURCE_DATE_EPOCH'] as const;

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The allowlisted values as the key sees them: the sha256 of each value (an allowlisted variable
 * may hold a secret, and the key document is kept in the state file), `null` for unset, so unset
 * differs from empty.
 */
export function keyedEnv(
  caller: Readonly<NodeJS.ProcessEnv>,
  allow: readonly string[],
): Record<string, string | null> {
  const digest = (v: string) => `sha256:${createHash('sha256').update(v).digest('hex')}`;
  const out: Record<string, string | null> = { SOURCE_DATE_EPOCH: digest(sourceDateEpochOf(caller)) };
  for (const name of [...allow].sort()) {
    const value = caller[name];
    out[name] = value === undefined ? null : digest(value);
  }
  return out;
}

/** The child's whole environment. */
export function childEnv(
  caller: Readonly<NodeJS.ProcessEnv>,
  allow: readonly string[],
  own: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: caller.PATH ?? DEFAULT_PATH,
    HOME: caller.HOME ?? '/',
    SOURCE_DATE_EPOCH: sourceDateEpochOf(caller),
  };
  for (const name of allow) {
    const value = caller[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...own };
}

function sourceDateEpochOf(caller: Readonly<NodeJS.ProcessEnv>): string {
  const v = caller.SOURCE_DATE_EPOCH;
  return v === undefined || v === '' ? '0' : v;
}
