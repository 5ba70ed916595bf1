import { formatMac, parseRockMac } from '../net/index.js';
import { type MacDispenser, meantAsMac } from './dispenser.js';
import { dispenserRefusal } from './errors.js';
import { checkLabel } from './inputs.js';
import { findPool, type Pool, poolOf } from './pools.js';
import type { Allocation, AuditEntry, MacStatus } from './store.js';

/** One pool's usage. `free` counts what allocate can still hand out (never used, or released). */
export interface PoolStats {
  readonly pool: string;
  readonly start: string;
  readonly end: string;
  readonly size: number;
  readonly active: number;
  readonly reserved: number;
  readonly released: number;
  readonly free: number;
  /** (active + reserved) / size, in percent, two decimals. */
  readonly usedPercent: number;
  readonly autoReleaseDays: number | null;
}

/** An address's row and its whole audit history. */
export interface MacDetails {
  readonly allocation: Allocation;
  readonly history: readonly AuditEntry[];
}

/** Every address a device holds or held, each with its history (`rock-mac show DEVICE`). */
export interface DeviceDetails {
  readonly deviceId: string;
  readonly allocations: readonly MacDetails[];
}

/** Filter for {@link listAllocations}. */
export interface ListOptions {
  readonly pool?: string;
  readonly statuses?: readonly MacStatus[];
  readonly limit?: number;
}

/** Rows by address, filtered; refuses an unknown pool (`POOL_UNKNOWN`). */
export async function listAllocations(d: MacDispenser, options: ListOptions = {}): Promise<Allocation[]> {
  if (options.pool !== undefined) findPool(d.config, options.pool);
  const store = await d.store();
  return store.read((tx) => tx.list(options));
}

/**
 * The row of `mac` and its audit history. Refuses a malformed MAC or one outside the OUI (exit 2) and
 * an address never handed out (`MAC_NOT_FOUND`, exit 1).
 */
export async function showMac(d: MacDispenser, mac: string): Promise<MacDetails> {
  const n = parseRockMac(mac, 'target');
  const store = await d.store();
  return store.read(async (tx) => {
    const allocation = await tx.getByMac(n);
    if (!allocation) {
      const pool = poolOf(d.config, n);
      throw dispenserRefusal(
        'MAC_NOT_FOUND',
        `${formatMac(n)}: never allocated${pool ? ` (pool '${pool.name}')` : ''}`,
        {
          mac: formatMac(n),
          pool: pool?.name ?? null,
        },
      );
    }
    return { allocation, history: await tx.audit(Number.MAX_SAFE_INTEGER, allocation.macAddress) };
  });
}

/** Usage of every configured pool, in configuration order. */
export async function poolStats(d: MacDispenser): Promise<PoolStats[]> {
  const store = await d.store();
  const counts = await store.read((tx) => tx.countByStatus());
  return d.config.pools.map((p: Pool) => {
    const n = (s: MacStatus) => counts.find((c) => c.pool === p.name && c.status === s)?.count ?? 0;
    const size = p.end - p.start + 1;
    const active = n('active');
    const reserved = n('reserved');
    return {
      pool: p.name,
      start: formatMac(p.start),
      end: formatMac(p.end),
      size,
      active,
      reserved,
      released: n('released'),
      free: size - active - reserved,
      usedPercent: Math.round(((active + reserved) / size) * 10_000) / 100,
      autoReleaseDays: p.autoReleaseDays,
    };
  });
}

/** The newest `limit` audit rows, oldest first. */
export async function auditLog(d: MacDispenser, limit: number): Promise<AuditEntry[]> {
  const store = await d.store();
  return store.read((tx) => tx.audit(limit));
}

const CSV_COLUMNS = [
  'mac_address',
  'pool',
  'status',
  'device_id',
  'device_type',
  'metadata',
  'allocated_at',
  'released_at',
] as const;

/** Rows as RFC 4180 CSV with a header line (metadata as JSON text), ending in a newline. */
export function allocationsToCsv(rows: readonly Allocation[]): string {
  const cell = (v: string | null) => {
    if (v === null) return '';
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.macAddress,
        r.pool,
        r.status,
        r.deviceId,
        r.deviceType,
        r.metadata === null ? null : JSON.stringify(r.metadata),
        r.allocatedAt,
        r.releasedAt,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Every row of a device (any pool, any status), each with its audit history. Refuses a device that
 * never held an address (`DEVICE_NOT_FOUND`, exit 1).
 */
export async function showDevice(d: MacDispenser, device: string): Promise<DeviceDetails> {
  const deviceId = checkLabel('target', device);
  const store = await d.store();
  return store.read(async (tx) => {
    const rows = await tx.rowsForDevice(deviceId);
    if (rows.length === 0)
      throw dispenserRefusal('DEVICE_NOT_FOUND', `device '${deviceId}': never held an address`, { deviceId });
    const allocations: MacDetails[] = [];
    for (const allocation of rows)
      allocations.push({
        allocation,
        history: await tx.audit(Number.MAX_SAFE_INTEGER, allocation.macAddress),
      });
    return { deviceId, allocations };
  });
}

/** `show TARGET`: an address (anything {@link meantAsMac}), else a device id. */
export function showTarget(d: MacDispenser, target: string): Promise<MacDetails | DeviceDetails> {
  return meantAsMac(target) ? showMac(d, target) : showDevice(d, target);
}
