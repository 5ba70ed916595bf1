import type { MacDispenser } from './dispenser.js';
import { findPool } from './pools.js';
import type { Allocation } from './store.js';

/** Options for {@link cleanup}. */
export interface CleanupOptions {
  /** List what would be released, change nothing. */
  readonly dryRun?: boolean;
  /** Age threshold in days for every pool that auto-releases, instead of each pool's own. */
  readonly days?: number;
  /** Only this pool. */
  readonly pool?: string;
}

/** One address cleanup released (or, in a dry run, would release). */
export interface CleanupItem {
  readonly allocation: Allocation;
  readonly thresholdDays: number;
  readonly ageDays: number;
}

/** What a cleanup did, and the pools it skipped because they never auto-release. */
export interface CleanupResult {
  readonly dryRun: boolean;
  readonly items: readonly CleanupItem[];
  readonly skippedPools: readonly string[];
}

const DAY_MS = 86_400_000;

/**
 * Releases active allocations older than their pool's auto-release age (or `days`), each with a
 * `cleanup` audit row, one transaction per pool. Pools marked `never` (production, reserved) are never
 * touched, whatever `days` says; reserved addresses are never touched. Refuses an unknown pool.
 */
export async function cleanup(d: MacDispenser, options: CleanupOptions = {}): Promise<CleanupResult> {
  const pools = options.pool === undefined ? d.config.pools : [findPool(d.config, options.pool)];
  const dryRun = options.dryRun === true;
  const store = await d.store();
  const items: CleanupItem[] = [];
  const skippedPools: string[] = [];
  for (const pool of pools) {
    if (pool.autoReleaseDays === null) {
      skippedPools.push(pool.name);
      continue;
    }
    const thresholdDays = options.days ?? pool.autoReleaseDays;
    const now = d.clock().getTime();
    const before = new Date(now - thresholdDays * DAY_MS).toISOString();
    const age = (r: Allocation) => Math.floor(((now - Date.parse(r.allocatedAt)) / DAY_MS) * 100) / 100;
    if (dryRun) {
      const rows = await store.read((tx) => tx.activeAllocatedBefore(pool.name, before));
      for (const r of rows) items.push({ allocation: r, thresholdDays, ageDays: age(r) });
      continue;
    }
    await store.write([pool.name], async (tx) => {
      for (const r of await tx.activeAllocatedBefore(pool.name, before)) {
        const released = await d.releaseRow(tx, r, 'cleanup', { thresholdDays, ageDays: age(r) });
        items.push({ allocation: released, thresholdDays, ageDays: age(r) });
      }
    });
  }
  return { dryRun, items, skippedPools };
}
