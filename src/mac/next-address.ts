import type { CheckError } from '../errors/index.js';
import { dispenserRefusal } from './errors.js';
import { formatRange, type Pool } from './pools.js';
import type { Allocation, MacStatus, StoreTx } from './store.js';

/** The lowest never-used address (cursor, then an index walk past taken ones), else the oldest released. */
export async function nextAddress(
  tx: StoreTx,
  pool: Pool,
): Promise<{ mac: number; previous?: Allocation } | undefined> {
  const cursor = await tx.getCursor(pool.name);
  // A cursor is only trusted for the range it was kept for: a config change restarts the walk.
  const from = cursor && cursor.start === pool.start && cursor.end === pool.end ? cursor.next : pool.start;
  const fresh = await tx.firstFree(Math.max(from, pool.start), pool.end);
  if (fresh !== undefined) {
    await tx.setCursor(pool.name, { next: fresh + 1, start: pool.start, end: pool.end });
    return { mac: fresh };
  }
  const old = await tx.oldestReleased(pool.name, pool.start, pool.end);
  return old && { mac: old.mac, previous: old };
}

/** The `pool exhausted` refusal (exit 1), with the pool's usage counted in the same transaction. */
export async function exhausted(tx: StoreTx, pool: Pool): Promise<CheckError> {
  const counts = await tx.countByStatus();
  const n = (s: MacStatus) => counts.find((c) => c.pool === pool.name && c.status === s)?.count ?? 0;
  const size = pool.end - pool.start + 1;
  const active = n('active');
  const reserved = n('reserved');
  return dispenserRefusal(
    'POOL_EXHAUSTED',
    `pool exhausted: pool '${pool.name}' (${formatRange(pool)}) has ${active + reserved} of ${size} addresses in use (${active} active, ${reserved} reserved)`,
    { pool: pool.name, size, active, reserved },
  );
}
