import { RegistryError } from './errors.js';

/** Bounded retries: how many attempts in all, and the first pause (doubled after each failure). */
export interface RetryOptions {
  attempts?: number;
  backoffMs?: number;
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error is thrown, or `attempts` (default 4) are
 * spent; waits `backoffMs` (default 200), then twice that, ... between attempts. The last error is
 * thrown with `data.attempts`.
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  let pause = options.backoffMs ?? 200;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RegistryError) || !error.retryable || n >= attempts) {
        if (error instanceof RegistryError && n > 1) {
          throw new RegistryError(
            error.code,
            `${error.message} (after ${n} attempts)`,
            { ...error.data, attempts: n },
            error.retryable,
            error.exitCode,
          );
        }
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause *= 2;
    }
  }
}
