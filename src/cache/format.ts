import type { CacheEntry, CacheStats, PruneReport, VerifyReport } from './types.js';

/** `1.5 MiB`, `512 B`: sizes for people (JSON keeps the byte count). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One line per entry: key, digest, size, mode, last use (UTC). */
export function formatEntry(e: CacheEntry): string {
  const used = new Date(e.usedAt).toISOString().replace(/\.\d+Z$/, 'Z');
  return `${e.key}  ${e.digest}  ${formatBytes(e.size)}  ${e.mode.toString(8).padStart(4, '0')}  used ${used}`;
}

export function formatStats(s: CacheStats): string {
  return [
    `cache: ${s.dir}`,
    ...(s.remote === undefined ? [] : [`remote: ${s.remote}`]),
    `entries: ${s.entries}`,
    `blobs: ${s.blobs} (${formatBytes(s.blobBytes)})`,
    `unreferenced blobs: ${s.unreferencedBlobs} (${formatBytes(s.unreferencedBytes)}; prune collects them)`,
    `temp files: ${s.tempFiles}`,
  ].join('\n');
}

export function formatVerify(r: VerifyReport): string {
  const lines = r.corruptBlobs.map(
    (b) => `corrupt blob ${b.digest} (its bytes hash to ${b.actual}): removed`,
  );
  for (const d of r.danglingEntries) lines.push(`entry ${d.key}: blob ${d.digest} missing: removed`);
  for (const b of r.badRefs) lines.push(`ref ${b.file}: ${b.reason}: removed`);
  if (r.tempFilesRemoved > 0) lines.push(`abandoned temp files removed: ${r.tempFilesRemoved}`);
  lines.push(
    `${r.ok ? 'ok' : 'damage found'}: ${r.blobsChecked} blobs re-hashed, ${r.entriesChecked} entries checked`,
  );
  return lines.join('\n');
}

export function formatPrune(r: PruneReport): string {
  const lines = r.removed.map((e) => `removed ${e.key}`);
  lines.push(
    `${r.removed.length} entries and ${r.blobsDeleted} blobs removed, ${formatBytes(r.bytesFreed)} freed, ${formatBytes(r.bytesLeft)} left`,
  );
  return lines.join('\n');
}
