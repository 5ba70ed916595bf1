/**
 * Runs tasks in dependency order, each as soon as all its dependencies succeeded, at most `jobs` at
 * once. A task whose dependency failed (or was skipped) does not run: it is reported as skipped with
 * the dependency named. Independent tasks carry on after a failure.
 */

/** How a task ended. */
export type TaskOutcome<R> =
  | { status: 'ok'; result: R }
  | { status: 'failed'; error: unknown }
  | { status: 'skipped'; because: string };

/** Runs `run(name)` for each of `order` (dependencies before dependents). */
export async function runGraph<R>(
  order: readonly string[],
  dependsOf: (name: string) => readonly string[],
  jobs: number,
  run: (name: string) => Promise<R>,
): Promise<Map<string, TaskOutcome<R>>> {
  const outcomes = new Map<string, TaskOutcome<R>>();
  const pending = [...order];
  const running = new Map<string, Promise<void>>();
  while (pending.length > 0 || running.size > 0) {
    let started = false;
    for (let i = 0; i < pending.length && running.size < jobs; i++) {
      const name = pending[i] as string;
      const deps = dependsOf(name);
      const blocked = deps.find((d) => {
        const o = outcomes.get(d);
        return o !== undefined && o.status !== 'ok';
      });
      if (blocked !== undefined) {
        outcomes.set(name, { status: 'skipped', because: blocked });
        pending.splice(i--, 1);
        started = true;
        continue;
      }
      if (!deps.every((d) => outcomes.get(d)?.status === 'ok' || !order.includes(d))) continue;
      pending.splice(i--, 1);
      started = true;
      running.set(
        name,
        run(name).then(
          (result) => {
            outcomes.set(name, { status: 'ok', result });
            running.delete(name);
          },
          (error: unknown) => {
            outcomes.set(name, { status: 'failed', error });
            running.delete(name);
          },
        ),
      );
    }
    if (running.size > 0) await Promise.race(running.values());
    else if (!started) break;
  }
  return outcomes;
}
