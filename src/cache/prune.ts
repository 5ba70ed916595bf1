import fs from 'node:fs';
import { InputError } from '../errors/index.js';
import { keyId } from './key.js';
import type { StoreLayout } from './layout.js';
import { blobHexes, readRefFile, refFiles } from './ref-store.js';
import type { CacheEntry, PruneOptions, PruneReport } from './types.js';

/**
 * A blob no key names is collected only once it is this old: a concurrent `put` stores its blob before
 * its ref, and that blob must not vanish in between.
 */
const UNREFERENCED_GRACE_MS = 10 * 60 * 1000;

/**
 * Removes entries least recently used first (`usedAt`, then key): all those unused for `olderThanMs`,
 * then more until the blobs total at most `maxSize` bytes. A blob goes when no remaining key names it.
 */
export function pruneStore(layout: StoreLayout, options: PruneOptions, now = Date.now()): PruneReport {
  const { maxSize, olderThanMs } = options;
  if (maxSize === undefined && olderThanMs === undefined)
    throw new InputError('CACHE_PRUNE_NOTHING', 'prune: expected maxSize or olderThanMs, got neither', {
      field: 'maxSize',
    });
  if (maxSize !== undefined && (!Number.isSafeInteger(maxSize) || maxSize < 0))
    throw new InputError('CACHE_BAD_OPTION', `maxSize: expected a byte count, got ${maxSize}`, {
      field: 'maxSize',
    });
  if (olderThanMs !== undefined && (!Number.isFinite(olderThanMs) || olderThanMs < 0))
    throw new InputError('CACHE_BAD_OPTION', `olderThanMs: expected a duration, got ${olderThanMs}`, {
      field: 'olderThanMs',
    });

  const entries: CacheEntry[] = [];
  for (const file of refFiles(layout)) {
    const result = readRefFile(file);
    if ('entry' in result) entries.push(result.entry);
  }
  entries.sort((a, b) => a.usedAt - b.usedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const sizes = new Map<string, { size: number; mtimeMs: number }>();
  for (const hex of blobHexes(layout)) {
    try {
      const st = fs.statSync(layout.blob(hex));
      sizes.set(hex, { size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // removed meanwhile
    }
  }
  const names = new Map<string, number>();
  for (const e of entries) names.set(hexOf(e), (names.get(hexOf(e)) ?? 0) + 1);

  const report: PruneReport = { removed: [], blobsDeleted: 0, bytesFreed: 0, bytesLeft: 0 };
  let total = 0;
  for (const s of sizes.values()) total += s.size;
  const deleteBlob = (hex: string, startedBefore: number): void => {
    const s = sizes.get(hex);
    if (s === undefined || s.mtimeMs > startedBefore) return;
    fs.rmSync(layout.blob(hex), { force: true });
    sizes.delete(hex);
    total -= s.size;
    report.blobsDeleted += 1;
    report.bytesFreed += s.size;
  };

  for (const hex of [...sizes.keys()]) if (!names.has(hex)) deleteBlob(hex, now - UNREFERENCED_GRACE_MS);

  for (const entry of entries) {
    const stale = olderThanMs !== undefined && entry.usedAt < now - olderThanMs;
    const over = maxSize !== undefined && total > maxSize;
    if (!stale && !over) continue;
    fs.rmSync(layout.ref(keyId(entry.key)), { force: true });
    report.removed.push(entry);
    const hex = hexOf(entry);
    const left = (names.get(hex) ?? 1) - 1;
    names.set(hex, left);
    if (left === 0) deleteBlob(hex, now);
  }
  report.bytesLeft = total;
  return report;
}

function hexOf(entry: CacheEntry): string {
  return entry.digest.slice('sha256:'.length);
}
