import type { CleanupResult } from './cleanup.js';
import type { DeviceDetails, MacDetails, PoolStats } from './queries.js';
import type { Allocation, AuditEntry } from './store.js';

/** Aligns rows of cells into columns (two spaces apart, last column unpadded). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `2024-05-01 12:00:00Z` from an ISO time (second precision is what a person reads). */
export function shortTime(iso: string | null): string {
  return iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** The `list` table. */
export function formatAllocations(rows: readonly Allocation[]): string {
  return formatTable(
    ['MAC', 'POOL', 'STATUS', 'DEVICE', 'TYPE', 'ALLOCATED', 'RELEASED'],
    rows.map((r) => [
      r.macAddress,
      r.pool,
      r.status,
      r.deviceId ?? '-',
      r.deviceType ?? '-',
      shortTime(r.allocatedAt),
      shortTime(r.releasedAt),
    ]),
  );
}

/** The `stats` table. */
export function formatStats(stats: readonly PoolStats[]): string {
  return formatTable(
    ['POOL', 'RANGE', 'SIZE', 'ACTIVE', 'RESERVED', 'RELEASED', 'FREE', 'USED', 'AUTO-RELEASE'],
    stats.map((s) => [
      s.pool,
      `${s.start}-${s.end.slice(9)}`,
      String(s.size),
      String(s.active),
      String(s.reserved),
      String(s.released),
      String(s.free),
      `${s.usedPercent.toFixed(2)}%`,
      s.autoReleaseDays === null ? 'never' : `${s.autoReleaseDays}d`,
    ]),
  );
}

/** The `audit` listing, oldest first. */
export function formatAudit(entries: readonly AuditEntry[]): string {
  return formatTable(
    ['TIME', 'ACTION', 'MAC', 'POOL', 'DEVICE', 'USER', 'DETAILS'],
    entries.map((e) => [
      shortTime(e.timestamp),
      e.action,
      e.macAddress ?? '-',
      e.pool ?? '-',
      e.deviceId ?? '-',
      e.user,
      e.details === null ? '' : JSON.stringify(e.details),
    ]),
  );
}

/** The `show` report: the row, then its history. */
export function formatDetails(d: MacDetails): string {
  const a = d.allocation;
  const lines = [
    `MAC:         ${a.macAddress}`,
    `Pool:        ${a.pool}`,
    `Status:      ${a.status}`,
    `Device:      ${a.deviceId ?? '-'}`,
    `Type:        ${a.deviceType ?? '-'}`,
    `Metadata:    ${a.metadata === null ? '-' : JSON.stringify(a.metadata)}`,
    `Allocated:   ${a.allocatedAt}`,
    `Released:    ${a.releasedAt ?? '-'}`,
    '',
    'History:',
    formatAudit(d.history),
  ];
  return lines.join('\n');
}

/** Each of a device's addresses with its history, separated by a blank line. */
export function formatDeviceDetails(d: DeviceDetails): string {
  return [
    `Device ${d.deviceId}: ${d.allocations.length} address(es)`,
    ...d.allocations.map(formatDetails),
  ].join('\n\n');
}

/** The `cleanup` listing and its summary line. */
export function formatCleanup(r: CleanupResult): string {
  const verb = r.dryRun ? 'Would release' : 'Released';
  const lines = r.items.map(
    (i) =>
      `${verb} ${i.allocation.macAddress} (pool ${i.allocation.pool}, device ${i.allocation.deviceId ?? '-'}, ` +
      `allocated ${shortTime(i.allocation.allocatedAt)}, ${i.ageDays} days old > ${i.thresholdDays})`,
  );
  const skipped = r.skippedPools.length
    ? `; pools that never auto-release: ${r.skippedPools.join(', ')}`
    : '';
  lines.push(
    r.dryRun
      ? `cleanup (dry run): would release ${r.items.length} address(es), nothing changed${skipped}`
      : `cleanup: released ${r.items.length} address(es)${skipped}`,
  );
  return lines.join('\n');
}
