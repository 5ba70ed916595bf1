/**
 * The storage interface the dispenser runs on. One implementation per backend (SQLite, PostgreSQL);
 * the allocation rules live once, in dispenser.ts, on top of it. Async for both: better-sqlite3 is
 * synchronous and is wrapped.
 */

/** What an address is doing. */
export type MacStatus = 'active' | 'released' | 'reserved';

/** Every status, in display order. */
export const MAC_STATUSES: readonly MacStatus[] = ['active', 'reserved', 'released'];

/** JSON object metadata a caller attaches to an allocation. */
export type Metadata = Record<string, unknown>;

/** One row of `mac_allocations`. Times are ISO-8601 UTC strings. */
export interface Allocation {
  /** The address as a 48-bit integer. */
  readonly mac: number;
  /** The address, lowercase colon form. */
  readonly macAddress: string;
  readonly pool: string;
  readonly deviceId: string | null;
  readonly deviceType: string | null;
  readonly metadata: Metadata | null;
  readonly allocatedAt: string;
  readonly releasedAt: string | null;
  readonly status: MacStatus;
}

/** What the audit log records. */
export type AuditAction = 'allocate' | 'reserve' | 'release' | 'cleanup';

/** One row of the append-only `audit_log`. */
export interface AuditEntry {
  readonly id: number;
  readonly action: AuditAction;
  readonly macAddress: string | null;
  readonly pool: string | null;
  readonly deviceId: string | null;
  readonly user: string;
  readonly details: Metadata | null;
  readonly timestamp: string;
}

/** A pool's next never-used candidate, valid only while the pool's range is unchanged. */
export interface PoolCursor {
  readonly next: number;
  readonly start: number;
  readonly end: number;
}

/** Row filter for {@link StoreTx.list}. */
export interface ListFilter {
  readonly pool?: string;
  /** Undefined: every status. */
  readonly statuses?: readonly MacStatus[];
  readonly limit?: number;
}

/** Row counts per pool and status. */
export interface StatusCount {
  readonly pool: string;
  readonly status: MacStatus;
  readonly count: number;
}

/** The operations available inside one transaction. */
export interface StoreTx {
  /** The row for `mac`, or undefined if the address was never handed out. */
  getByMac(mac: number): Promise<Allocation | undefined>;
  /** The device's active allocation in `pool`, or undefined. */
  activeForDevice(pool: string, deviceId: string): Promise<Allocation | undefined>;
  /** Every row of `deviceId` (any pool, any status), by address. */
  rowsForDevice(deviceId: string): Promise<Allocation[]>;
  /** The pool's cursor row, or undefined. */
  getCursor(pool: string): Promise<PoolCursor | undefined>;
  setCursor(pool: string, cursor: PoolCursor): Promise<void>;
  /** The lowest address in `[from, to]` with no row at all (index walk, not a scan), or undefined. */
  firstFree(from: number, to: number): Promise<number | undefined>;
  /** The released row in `pool` and `[start, end]` released longest ago, or undefined. */
  oldestReleased(pool: string, start: number, end: number): Promise<Allocation | undefined>;
  /** Inserts the row, or replaces the row that holds the same address. */
  putAllocation(row: Allocation): Promise<void>;
  /** Appends an audit row (the database refuses updates and deletes of audit rows). */
  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  /** Rows by address. */
  list(filter: ListFilter): Promise<Allocation[]>;
  countByStatus(): Promise<StatusCount[]>;
  /** Active rows of `pool` allocated before `before`, oldest first. */
  activeAllocatedBefore(pool: string, before: string): Promise<Allocation[]>;
  /** The newest `limit` audit rows (of `mac` if given), returned oldest first. */
  audit(limit: number, macAddress?: string): Promise<AuditEntry[]>;
}

/** A backend: SQLite file or PostgreSQL database, schema migrated on open. */
export interface MacStore {
  readonly backend: 'sqlite' | 'postgres';
  /** The file path, or the URL without its password. */
  readonly location: string;
  /** The schema version recorded in the database. */
  schemaVersion(): Promise<number>;
  /**
   * Runs `fn` in one write transaction, serialised against every other writer of `pools` in every
   * process; commits when it resolves, rolls back when it throws.
   */
  write<T>(pools: readonly string[], fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Runs `fn` on one consistent snapshot. */
  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
