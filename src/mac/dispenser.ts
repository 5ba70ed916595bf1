import { userInfo } from 'node:os';
import type { CheckError } from '../errors/index.js';
import { formatMac, parseRockMac } from '../net/index.js';
import { dispenserInputError, dispenserRefusal } from './errors.js';
import { checkLabel, parseMetadata } from './inputs.js';
import { exhausted, nextAddress } from './next-address.js';
import { findPool, formatRange, type Pool, type PoolConfig, poolOf } from './pools.js';
import type { Allocation, AuditEntry, MacStore, StoreTx } from './store.js';

/** The device type recorded when the caller names none. */
export const DEFAULT_DEVICE_TYPE = 'qemu-vm';
/** The pool `allocate` uses when the caller names none. */
export const DEFAULT_POOL = 'development';

/** What to allocate. `metadata` is JSON object text (as given on the command line). */
export interface AllocateRequest {
  readonly pool?: string;
  readonly deviceId?: string;
  readonly deviceType?: string;
  readonly metadata?: string;
  /** Hand out another address even if the device already holds one in the pool. */
  readonly forceNew?: boolean;
}

/** An allocation, and how it came about. */
export interface AllocateResult {
  readonly allocation: Allocation;
  /** The device already held this address: nothing was written. */
  readonly existing: boolean;
  /** The address had been released before (the pool's never-used addresses ran out). */
  readonly reused: boolean;
}

/** What `reserve` holds back: a given address, or the next free one of a pool. */
export interface ReserveRequest {
  readonly mac?: string;
  readonly pool?: string;
  readonly deviceId: string;
  readonly deviceType?: string;
  readonly metadata?: string;
}

/** The rows a release changed, and the addresses that were already released. */
export interface ReleaseResult {
  readonly released: readonly Allocation[];
  readonly alreadyReleased: readonly string[];
}

/** Dispenser construction options. */
export interface DispenserOptions {
  /** Recorded in the audit log (default `$ROCK_MAC_USER`, else the login name). */
  readonly user?: string;
  /** The clock (tests of `cleanup` pass their own). */
  readonly now?: () => Date;
}

/**
 * The MAC address allocator: every rule (range, idempotence, reuse, reservation, audit) over a
 * {@link MacStore}. Each change is one transaction holding the pool's lock, the row and its audit
 * row together. Input is validated before the database is opened, so bad input changes nothing.
 */
export class MacDispenser {
  private opened: Promise<MacStore> | undefined;
  readonly user: string;
  private readonly now: () => Date;

  constructor(
    readonly config: PoolConfig,
    private readonly open: () => Promise<MacStore>,
    options: DispenserOptions = {},
  ) {
    this.user = options.user ?? defaultUser();
    this.now = options.now ?? (() => new Date());
  }

  /** The opened store (opening and migrating it on first call). */
  store(): Promise<MacStore> {
    this.opened ??= this.open();
    return this.opened;
  }

  /** Closes the database if it was opened. */
  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }

  /**
   * Allocates an address in `pool` (default development): the device's active one if it has one
   * (unless `forceNew`), else the lowest never-used address, else the one released longest ago.
   * Refuses an unknown pool (`POOL_UNKNOWN`), bad metadata (`METADATA_INVALID`), and throws
   * `POOL_EXHAUSTED` (exit 1) with the pool's usage when every address is active or reserved.
   */
  async allocate(req: AllocateRequest = {}): Promise<AllocateResult> {
    const pool = findPool(this.config, req.pool ?? DEFAULT_POOL);
    const deviceId = req.deviceId === undefined ? null : checkLabel('deviceId', req.deviceId);
    const deviceType = checkLabel('deviceType', req.deviceType ?? DEFAULT_DEVICE_TYPE);
    const metadata = parseMetadata(req.metadata);
    const store = await this.store();
    return store.write([pool.name], async (tx) => {
      if (deviceId !== null && !req.forceNew) {
        const held = await tx.activeForDevice(pool.name, deviceId);
        if (held) return { allocation: held, existing: true, reused: false };
      }
      const pick = await nextAddress(tx, pool);
      if (pick === undefined) throw await exhausted(tx, pool);
      const row: Allocation = {
        mac: pick.mac,
        macAddress: formatMac(pick.mac),
        pool: pool.name,
        deviceId,
        deviceType,
        metadata,
        allocatedAt: this.now().toISOString(),
        releasedAt: null,
        status: 'active',
      };
      await tx.putAllocation(row);
      await this.audit(tx, 'allocate', row, { deviceType, metadata, reused: pick.previous !== undefined });
      return { allocation: row, existing: false, reused: pick.previous !== undefined };
    });
  }

  /**
   * Reserves `mac` (which must lie in a configured pool, and in `pool` if both are given) or the next
   * free address of `pool` for `deviceId`. Refuses bad input (exit 2: `MAC_MALFORMED`,
   * `MAC_OUTSIDE_OUI`, `MAC_OUTSIDE_POOL`, `POOL_UNKNOWN`, `BAD_OPTION`) and an address that is active
   * or reserved (`MAC_IN_USE`, exit 1).
   */
  async reserve(req: ReserveRequest): Promise<Allocation> {
    const deviceId = checkLabel('deviceId', req.deviceId);
    const deviceType = checkLabel('deviceType', req.deviceType ?? DEFAULT_DEVICE_TYPE);
    const metadata = parseMetadata(req.metadata);
    if (req.mac === undefined && req.pool === undefined) {
      throw dispenserInputError('BAD_OPTION', 'mac: expected an address or a pool to reserve from', {
        field: 'mac',
      });
    }
    const named = req.pool === undefined ? undefined : findPool(this.config, req.pool);
    const mac = req.mac === undefined ? undefined : parseRockMac(req.mac, 'mac');
    const pool = mac === undefined ? named! : this.poolHolding(mac, named);
    const store = await this.store();
    return store.write([pool.name], async (tx) => {
      let chosen: number;
      if (mac !== undefined) {
        const row = await tx.getByMac(mac);
        if (row && row.status !== 'released') {
          throw inUse(row);
        }
        chosen = mac;
      } else {
        const pick = await nextAddress(tx, pool);
        if (pick === undefined) throw await exhausted(tx, pool);
        chosen = pick.mac;
      }
      const row: Allocation = {
        mac: chosen,
        macAddress: formatMac(chosen),
        pool: pool.name,
        deviceId,
        deviceType,
        metadata,
        allocatedAt: this.now().toISOString(),
        releasedAt: null,
        status: 'reserved',
      };
      await tx.putAllocation(row);
      await this.audit(tx, 'reserve', row, { deviceType, metadata });
      return row;
    });
  }

  /**
   * Releases `target`: an address, or every active address of a device id. Reserved addresses only
   * with `force`. An address already released is reported, not changed. Refuses a malformed MAC or one
   * outside the OUI (exit 2), an address never handed out (`MAC_NOT_FOUND`), a device holding nothing
   * (`DEVICE_NOT_FOUND`) and a reserved address without `force` (`MAC_RESERVED`), exit 1.
   */
  async release(target: string, options: { force?: boolean } = {}): Promise<ReleaseResult> {
    const force = options.force === true;
    const asMac = meantAsMac(target) ? parseRockMac(target, 'target') : undefined;
    const store = await this.store();
    if (asMac !== undefined) {
      const seen = await store.read((tx) => tx.getByMac(asMac));
      if (!seen) throw notFound(asMac, this.config);
      return store.write([seen.pool], async (tx) => {
        const row = await tx.getByMac(asMac);
        if (!row) throw notFound(asMac, this.config);
        if (row.status === 'released') return { released: [], alreadyReleased: [row.macAddress] };
        if (row.status === 'reserved' && !force) throw reservedError(row);
        return { released: [await this.releaseRow(tx, row, 'release', { force })], alreadyReleased: [] };
      });
    }
    const deviceId = checkLabel('target', target);
    const seen = await store.read((tx) => tx.rowsForDevice(deviceId));
    const pools = [...new Set(seen.map((r) => r.pool))];
    return store.write(pools, async (tx) => {
      const rows = (await tx.rowsForDevice(deviceId)).filter(
        (r) => pools.includes(r.pool) && r.status !== 'released',
      );
      const reserved = rows.filter((r) => r.status === 'reserved');
      const toRelease = force ? rows : rows.filter((r) => r.status === 'active');
      if (toRelease.length === 0) {
        if (reserved[0]) throw reservedError(reserved[0]);
        throw dispenserRefusal('DEVICE_NOT_FOUND', `device '${deviceId}': holds no active address`, {
          deviceId,
        });
      }
      const released: Allocation[] = [];
      for (const row of toRelease) released.push(await this.releaseRow(tx, row, 'release', { force }));
      return { released, alreadyReleased: [] };
    });
  }

  /** Releases `row` and appends its audit row; returns the released row. */
  async releaseRow(
    tx: StoreTx,
    row: Allocation,
    action: 'release' | 'cleanup',
    details: Record<string, unknown>,
  ) {
    const released: Allocation = { ...row, status: 'released', releasedAt: this.now().toISOString() };
    await tx.putAllocation(released);
    await this.audit(tx, action, released, {
      previousStatus: row.status,
      allocatedAt: row.allocatedAt,
      ...details,
    });
    return released;
  }

  /** The dispenser's clock (the operations in other files use it too). */
  clock(): Date {
    return this.now();
  }

  private async audit(
    tx: StoreTx,
    action: AuditEntry['action'],
    row: Allocation,
    details: Record<string, unknown>,
  ): Promise<void> {
    await tx.appendAudit({
      action,
      macAddress: row.macAddress,
      pool: row.pool,
      deviceId: row.deviceId,
      user: this.user,
      details,
      timestamp: this.now().toISOString(),
    });
  }

  private poolHolding(mac: number, named: Pool | undefined): Pool {
    const holder = poolOf(this.config, mac);
    if (holder === undefined || (named !== undefined && holder.name !== named.name)) {
      const where =
        named === undefined ? 'any configured pool' : `pool '${named.name}' (${formatRange(named)})`;
      throw dispenserInputError('MAC_OUTSIDE_POOL', `mac: ${formatMac(mac)} is not inside ${where}`, {
        field: 'mac',
        actual: formatMac(mac),
        pool: named?.name ?? null,
      });
    }
    return holder;
  }
}

function notFound(mac: number, config: PoolConfig): CheckError {
  const pool = poolOf(config, mac);
  return dispenserRefusal(
    'MAC_NOT_FOUND',
    `${formatMac(mac)}: never allocated${pool ? ` (pool '${pool.name}')` : ''}`,
    {
      mac: formatMac(mac),
      pool: pool?.name ?? null,
    },
  );
}

/** The design's troubleshooting starts from these words: "MAC already allocated" -> show -> release. */
function inUse(row: Allocation): CheckError {
  const holder = row.deviceId === null ? '' : ` to device '${row.deviceId}'`;
  return dispenserRefusal(
    'MAC_IN_USE',
    `${row.macAddress}: MAC already allocated${holder} (${row.status}); show it, or release it first`,
    { mac: row.macAddress, status: row.status, deviceId: row.deviceId },
  );
}

function reservedError(row: Allocation): CheckError {
  const holder = row.deviceId === null ? '' : ` for device '${row.deviceId}'`;
  return dispenserRefusal('MAC_RESERVED', `force: needed to release ${row.macAddress}, reserved${holder}`, {
    field: 'force',
    mac: row.macAddress,
    deviceId: row.deviceId,
  });
}

/**
 * Text meant as an address rather than a device id (hex with colons, or six dash-separated pairs):
 * release and show parse it as a MAC, so a mistyped address is refused instead of taken for a device.
 */
export function meantAsMac(text: string): boolean {
  const t = text.trim();
  return (
    /^[0-9a-f]{2}-[0-9a-f]{2}(-[0-9a-f]{2}){4}$/i.test(t) || (t.includes(':') && /^[0-9a-f:]+$/i.test(t))
  );
}

function defaultUser(): string {
  const fromEnv = process.env.ROCK_MAC_USER;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    return userInfo().username;
  } catch {
    // Containers may run as a uid with no passwd entry.
    return `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}
