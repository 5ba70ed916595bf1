import type Database from 'better-sqlite3';
import type {
  Allocation,
  AuditEntry,
  ListFilter,
  MacStatus,
  PoolCursor,
  StatusCount,
  StoreTx,
} from './store.js';

interface AllocationSqlRow {
  mac_int: number;
  mac_address: string;
  pool: string;
  device_id: string | null;
  device_type: string | null;
  metadata: string | null;
  allocated_at: string;
  released_at: string | null;
  status: MacStatus;
}

interface AuditSqlRow {
  id: number;
  action: AuditEntry['action'];
  mac_address: string | null;
  pool: string | null;
  device_id: string | null;
  user: string;
  details: string | null;
  timestamp: string;
}

const COLUMNS =
  'mac_int, mac_address, pool, device_id, device_type, metadata, allocated_at, released_at, status';

/** The store operations on one better-sqlite3 connection, inside the transaction its store opened. */
export class SqliteTx implements StoreTx {
  private readonly stmt = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private s(sql: string): Database.Statement {
    let st = this.stmt.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.stmt.set(sql, st);
    }
    return st;
  }

  async getByMac(mac: number): Promise<Allocation | undefined> {
    const row = this.s(`SELECT ${COLUMNS} FROM mac_allocations WHERE mac_int = ?`).get(mac) as
      | AllocationSqlRow
      | undefined;
    return row && toAllocation(row);
  }

  async activeForDevice(pool: string, deviceId: string): Promise<Allocation | undefined> {
    const row = this.s(
      `SELECT ${COLUMNS} FROM mac_allocations WHERE device_id = ? AND pool = ? AND status = 'active' ORDER BY mac_int LIMIT 1`,
    ).get(deviceId, pool) as AllocationSqlRow | undefined;
    return row && toAllocation(row);
  }

  async rowsForDevice(deviceId: string): Promise<Allocation[]> {
    const rows = this.s(`SELECT ${COLUMNS} FROM mac_allocations WHERE device_id = ? ORDER BY mac_int`).all(
      deviceId,
    );
    return (rows as AllocationSqlRow[]).map(toAllocation);
  }

  async getCursor(pool: string): Promise<PoolCursor | undefined> {
    const row = this.s('SELECT next_mac, range_start, range_end FROM mac_pool_cursors WHERE pool = ?').get(
      pool,
    ) as { next_mac: number; range_start: number; range_end: number } | undefined;
    return row && { next: row.next_mac, start: row.range_start, end: row.range_end };
  }

  async setCursor(pool: string, c: PoolCursor): Promise<void> {
    this.s(
      `INSERT INTO mac_pool_cursors (pool, next_mac, range_start, range_end) VALUES (?, ?, ?, ?)
       ON CONFLICT (pool) DO UPDATE SET next_mac = excluded.next_mac, range_start = excluded.range_start,
         range_end = excluded.range_end`,
    ).run(pool, c.next, c.start, c.end);
  }

  async firstFree(from: number, to: number): Promise<number | undefined> {
    if (from > to) return undefined;
    if (!this.s('SELECT 1 FROM mac_allocations WHERE mac_int = ?').get(from)) return from;
    // The first taken address whose successor is free: walks the unique index from `from`.
    const row = this.s(
      `SELECT m.mac_int + 1 AS free FROM mac_allocations m
       WHERE m.mac_int >= ? AND m.mac_int < ?
         AND NOT EXISTS (SELECT 1 FROM mac_allocations n WHERE n.mac_int = m.mac_int + 1)
       ORDER BY m.mac_int LIMIT 1`,
    ).get(from, to) as { free: number } | undefined;
    return row?.free;
  }

  async oldestReleased(pool: string, start: number, end: number): Promise<Allocation | undefined> {
    const row = this.s(
      `SELECT ${COLUMNS} FROM mac_allocations
       WHERE pool = ? AND status = 'released' AND mac_int BETWEEN ? AND ?
       ORDER BY released_at, mac_int LIMIT 1`,
    ).get(pool, start, end) as AllocationSqlRow | undefined;
    return row && toAllocation(row);
  }

  async putAllocation(r: Allocation): Promise<void> {
    this.s(
      `INSERT INTO mac_allocations (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (mac_int) DO UPDATE SET pool = excluded.pool, device_id = excluded.device_id,
         device_type = excluded.device_type, metadata = excluded.metadata, allocated_at = excluded.allocated_at,
         released_at = excluded.released_at, status = excluded.status`,
    ).run(
      r.mac,
      r.macAddress,
      r.pool,
      r.deviceId,
      r.deviceType,
      r.metadata === null ? null : JSON.stringify(r.metadata),
      r.allocatedAt,
      r.releasedAt,
      r.status,
    );
  }

  async appendAudit(e: Omit<AuditEntry, 'id'>): Promise<void> {
    this.s(
      `INSERT INTO audit_log (action, mac_address, pool, device_id, "user", details, timestamp)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      e.action,
      e.macAddress,
      e.pool,
      e.deviceId,
      e.user,
      e.details === null ? null : JSON.stringify(e.details),
      e.timestamp,
    );
  }

  async list(f: ListFilter): Promise<Allocation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.pool !== undefined) {
      where.push('pool = ?');
      params.push(f.pool);
    }
    if (f.statuses !== undefined) {
      where.push(`status IN (${f.statuses.map(() => '?').join(', ')})`);
      params.push(...f.statuses);
    }
    const sql = `SELECT ${COLUMNS} FROM mac_allocations${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY mac_int${f.limit !== undefined ? ' LIMIT ?' : ''}`;
    if (f.limit !== undefined) params.push(f.limit);
    return (this.s(sql).all(...params) as AllocationSqlRow[]).map(toAllocation);
  }

  async countByStatus(): Promise<StatusCount[]> {
    return this.s(
      'SELECT pool, status, count(*) AS count FROM mac_allocations GROUP BY pool, status',
    ).all() as StatusCount[];
  }

  async activeAllocatedBefore(pool: string, before: string): Promise<Allocation[]> {
    const rows = this.s(
      `SELECT ${COLUMNS} FROM mac_allocations WHERE status = 'active' AND pool = ? AND allocated_at < ?
       ORDER BY allocated_at, mac_int`,
    ).all(pool, before);
    return (rows as AllocationSqlRow[]).map(toAllocation);
  }

  async audit(limit: number, macAddress?: string): Promise<AuditEntry[]> {
    const cols = 'id, action, mac_address, pool, device_id, "user" AS user, details, timestamp';
    const rows = (
      macAddress === undefined
        ? this.s(`SELECT ${cols} FROM audit_log ORDER BY id DESC LIMIT ?`).all(limit)
        : this.s(`SELECT ${cols} FROM audit_log WHERE mac_address = ? ORDER BY id DESC LIMIT ?`).all(
            macAddress,
            limit,
          )
    ) as AuditSqlRow[];
    return rows.reverse().map((r) => ({
      id: r.id,
      action: r.action,
      macAddress: r.mac_address,
      pool: r.pool,
      deviceId: r.device_id,
      user: r.user,
      details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>),
      timestamp: r.timestamp,
    }));
  }
}

function toAllocation(r: AllocationSqlRow): Allocation {
  return {
    mac: r.mac_int,
    macAddress: r.mac_address,
    pool: r.pool,
    deviceId: r.device_id,
    deviceType: r.device_type,
    metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as Record<string, unknown>),
    allocatedAt: r.allocated_at,
    releasedAt: r.released_at,
    status: r.status,
  };
}
