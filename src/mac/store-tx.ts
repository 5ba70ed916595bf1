import { column, type SqlConnection } from './sql-connection.js';
import type {
  Allocation,
  AuditEntry,
  ListFilter,
  MacStatus,
  PoolCursor,
  StatusCount,
  StoreTx,
} from './store.js';

/** A row of mac_allocations as either backend returns it (see {@link column}). */
interface AllocationRow {
  mac_int: unknown;
  mac_address: string;
  pool: string;
  device_id: string | null;
  device_type: string | null;
  metadata: unknown;
  allocated_at: unknown;
  released_at: unknown;
  status: MacStatus;
}

interface AuditRow {
  id: unknown;
  action: AuditEntry['action'];
  mac_address: string | null;
  pool: string | null;
  device_id: string | null;
  user: string;
  details: unknown;
  timestamp: unknown;
}

const COLUMNS =
  'mac_int, mac_address, pool, device_id, device_type, metadata, allocated_at, released_at, status';
const SELECT = `SELECT ${COLUMNS} FROM mac_allocations`;

/**
 * Every store operation, written once for both backends, on a connection inside the transaction its
 * store opened. The SQL is the common subset of SQLite and PostgreSQL.
 */
export class SqlStoreTx implements StoreTx {
  constructor(private readonly db: SqlConnection) {}

  private async one(sql: string, params: readonly unknown[]): Promise<Allocation | undefined> {
    const [row] = await this.db.all<AllocationRow>(sql, params);
    return row && toAllocation(row);
  }

  private async many(sql: string, params: readonly unknown[]): Promise<Allocation[]> {
    return (await this.db.all<AllocationRow>(sql, params)).map(toAllocation);
  }

  getByMac(mac: number): Promise<Allocation | undefined> {
    return this.one(`${SELECT} WHERE mac_int = ?`, [mac]);
  }

  activeForDevice(pool: string, deviceId: string): Promise<Allocation | undefined> {
    return this.one(
      `${SELECT} WHERE device_id = ? AND pool = ? AND status = 'active' ORDER BY mac_int LIMIT 1`,
      [deviceId, pool],
    );
  }

  rowsForDevice(deviceId: string): Promise<Allocation[]> {
    return this.many(`${SELECT} WHERE device_id = ? ORDER BY mac_int`, [deviceId]);
  }

  async getCursor(pool: string): Promise<PoolCursor | undefined> {
    const [row] = await this.db.all<{ next_mac: unknown; range_start: unknown; range_end: unknown }>(
      'SELECT next_mac, range_start, range_end FROM mac_pool_cursors WHERE pool = ?',
      [pool],
    );
    return (
      row && {
        next: column.int(row.next_mac),
        start: column.int(row.range_start),
        end: column.int(row.range_end),
      }
    );
  }

  setCursor(pool: string, c: PoolCursor): Promise<void> {
    return this.db.run(
      `INSERT INTO mac_pool_cursors (pool, next_mac, range_start, range_end) VALUES (?, ?, ?, ?)
       ON CONFLICT (pool) DO UPDATE SET next_mac = excluded.next_mac, range_start = excluded.range_start,
         range_end = excluded.range_end`,
      [pool, c.next, c.start, c.end],
    );
  }

  async firstFree(from: number, to: number): Promise<number | undefined> {
    if (from > to) return undefined;
    const taken = await this.db.all('SELECT 1 AS taken FROM mac_allocations WHERE mac_int = ?', [from]);
    if (taken.length === 0) return from;
    // The first taken address whose successor is free: walks the unique index from `from`.
    const [row] = await this.db.all<{ free: unknown }>(
      `SELECT m.mac_int + 1 AS free FROM mac_allocations m
       WHERE m.mac_int >= ? AND m.mac_int < ?
         AND NOT EXISTS (SELECT 1 FROM mac_allocations n WHERE n.mac_int = m.mac_int + 1)
       ORDER BY m.mac_int LIMIT 1`,
      [from, to],
    );
    return row && column.int(row.free);
  }

  oldestReleased(pool: string, start: number, end: number): Promise<Allocation | undefined> {
    return this.one(
      `${SELECT} WHERE pool = ? AND status = 'released' AND mac_int BETWEEN ? AND ?
       ORDER BY released_at, mac_int LIMIT 1`,
      [pool, start, end],
    );
  }

  putAllocation(r: Allocation): Promise<void> {
    return this.db.run(
      `INSERT INTO mac_allocations (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (mac_int) DO UPDATE SET pool = excluded.pool, device_id = excluded.device_id,
         device_type = excluded.device_type, metadata = excluded.metadata, allocated_at = excluded.allocated_at,
         released_at = excluded.released_at, status = excluded.status`,
      [
        r.mac,
        r.macAddress,
        r.pool,
        r.deviceId,
        r.deviceType,
        r.metadata === null ? null : JSON.stringify(r.metadata),
        r.allocatedAt,
        r.releasedAt,
        r.status,
      ],
    );
  }

  appendAudit(e: Omit<AuditEntry, 'id'>): Promise<void> {
    return this.db.run(
      `INSERT INTO audit_log (action, mac_address, pool, device_id, "user", details, timestamp)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        e.action,
        e.macAddress,
        e.pool,
        e.deviceId,
        e.user,
        e.details === null ? null : JSON.stringify(e.details),
        e.timestamp,
      ],
    );
  }

  list(f: ListFilter): Promise<Allocation[]> {
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
    let sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY mac_int`;
    if (f.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(f.limit);
    }
    return this.many(sql, params);
  }

  async countByStatus(): Promise<StatusCount[]> {
    const rows = await this.db.all<{ pool: string; status: MacStatus; count: unknown }>(
      'SELECT pool, status, count(*) AS count FROM mac_allocations GROUP BY pool, status',
    );
    return rows.map((r) => ({ pool: r.pool, status: r.status, count: column.int(r.count) }));
  }

  activeAllocatedBefore(pool: string, before: string): Promise<Allocation[]> {
    return this.many(
      `${SELECT} WHERE status = 'active' AND pool = ? AND allocated_at < ? ORDER BY allocated_at, mac_int`,
      [pool, before],
    );
  }

  async audit(limit: number, macAddress?: string): Promise<AuditEntry[]> {
    const cols = 'id, action, mac_address, pool, device_id, "user" AS "user", details, timestamp';
    const rows =
      macAddress === undefined
        ? await this.db.all<AuditRow>(`SELECT ${cols} FROM audit_log ORDER BY id DESC LIMIT ?`, [limit])
        : await this.db.all<AuditRow>(
            `SELECT ${cols} FROM audit_log WHERE mac_address = ? ORDER BY id DESC LIMIT ?`,
            [macAddress, limit],
          );
    return rows.reverse().map((r) => ({
      id: column.int(r.id),
      action: r.action,
      macAddress: r.mac_address,
      pool: r.pool,
      deviceId: r.device_id,
      user: r.user,
      details: column.json(r.details),
      timestamp: column.time(r.timestamp),
    }));
  }
}

function toAllocation(r: AllocationRow): Allocation {
  return {
    mac: column.int(r.mac_int),
    macAddress: r.mac_address,
    pool: r.pool,
    deviceId: r.device_id,
    deviceType: r.device_type,
    metadata: column.json(r.metadata),
    allocatedAt: column.time(r.allocated_at),
    releasedAt: column.timeOrNull(r.released_at),
    status: r.status,
  };
}
