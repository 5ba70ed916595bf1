import type pg from 'pg';
import type {
  Allocation,
  AuditEntry,
  ListFilter,
  MacStatus,
  PoolCursor,
  StatusCount,
  StoreTx,
} from './store.js';

interface AllocationPgRow {
  mac_int: string;
  mac_address: string;
  pool: string;
  device_id: string | null;
  device_type: string | null;
  metadata: Record<string, unknown> | null;
  allocated_at: Date;
  released_at: Date | null;
  status: MacStatus;
}

const COLUMNS =
  'mac_int, mac_address, pool, device_id, device_type, metadata, allocated_at, released_at, status';

/** The store operations on one PostgreSQL client, inside the transaction its store opened. */
export class PostgresTx implements StoreTx {
  constructor(private readonly c: pg.PoolClient) {}

  private async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.c.query<R>(sql, params)).rows;
  }

  async getByMac(mac: number): Promise<Allocation | undefined> {
    const [row] = await this.rows<AllocationPgRow>(
      `SELECT ${COLUMNS} FROM mac_allocations WHERE mac_int = $1`,
      [mac],
    );
    return row && toAllocation(row);
  }

  async activeForDevice(pool: string, deviceId: string): Promise<Allocation | undefined> {
    const [row] = await this.rows<AllocationPgRow>(
      `SELECT ${COLUMNS} FROM mac_allocations WHERE device_id = $1 AND pool = $2 AND status = 'active'
       ORDER BY mac_int LIMIT 1`,
      [deviceId, pool],
    );
    return row && toAllocation(row);
  }

  async rowsForDevice(deviceId: string): Promise<Allocation[]> {
    const rows = await this.rows<AllocationPgRow>(
      `SELECT ${COLUMNS} FROM mac_allocations WHERE device_id = $1 ORDER BY mac_int`,
      [deviceId],
    );
    return rows.map(toAllocation);
  }

  async getCursor(pool: string): Promise<PoolCursor | undefined> {
    const [row] = await this.rows<{ next_mac: string; range_start: string; range_end: string }>(
      'SELECT next_mac, range_start, range_end FROM mac_pool_cursors WHERE pool = $1',
      [pool],
    );
    return row && { next: Number(row.next_mac), start: Number(row.range_start), end: Number(row.range_end) };
  }

  async setCursor(pool: string, c: PoolCursor): Promise<void> {
    await this.c.query(
      `INSERT INTO mac_pool_cursors (pool, next_mac, range_start, range_end) VALUES ($1, $2, $3, $4)
       ON CONFLICT (pool) DO UPDATE SET next_mac = excluded.next_mac, range_start = excluded.range_start,
         range_end = excluded.range_end`,
      [pool, c.next, c.start, c.end],
    );
  }

  async firstFree(from: number, to: number): Promise<number | undefined> {
    if (from > to) return undefined;
    const taken = await this.rows('SELECT 1 FROM mac_allocations WHERE mac_int = $1', [from]);
    if (taken.length === 0) return from;
    const [row] = await this.rows<{ free: string }>(
      `SELECT m.mac_int + 1 AS free FROM mac_allocations m
       WHERE m.mac_int >= $1 AND m.mac_int < $2
         AND NOT EXISTS (SELECT 1 FROM mac_allocations n WHERE n.mac_int = m.mac_int + 1)
       ORDER BY m.mac_int LIMIT 1`,
      [from, to],
    );
    return row && Number(row.free);
  }

  async oldestReleased(pool: string, start: number, end: number): Promise<Allocation | undefined> {
    const [row] = await this.rows<AllocationPgRow>(
      `SELECT ${COLUMNS} FROM mac_allocations
       WHERE pool = $1 AND status = 'released' AND mac_int BETWEEN $2 AND $3
       ORDER BY released_at, mac_int LIMIT 1`,
      [pool, start, end],
    );
    return row && toAllocation(row);
  }

  async putAllocation(r: Allocation): Promise<void> {
    await this.c.query(
      `INSERT INTO mac_allocations (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
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

  async appendAudit(e: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.c.query(
      `INSERT INTO audit_log (action, mac_address, pool, device_id, "user", details, timestamp)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
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

  async list(f: ListFilter): Promise<Allocation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.pool !== undefined) {
      params.push(f.pool);
      where.push(`pool = $${params.length}`);
    }
    if (f.statuses !== undefined) {
      params.push([...f.statuses]);
      where.push(`status = ANY($${params.length})`);
    }
    let sql = `SELECT ${COLUMNS} FROM mac_allocations${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY mac_int`;
    if (f.limit !== undefined) {
      params.push(f.limit);
      sql += ` LIMIT $${params.length}`;
    }
    return (await this.rows<AllocationPgRow>(sql, params)).map(toAllocation);
  }

  async countByStatus(): Promise<StatusCount[]> {
    const rows = await this.rows<{ pool: string; status: MacStatus; count: string }>(
      'SELECT pool, status, count(*) AS count FROM mac_allocations GROUP BY pool, status',
    );
    return rows.map((r) => ({ pool: r.pool, status: r.status, count: Number(r.count) }));
  }

  async activeAllocatedBefore(pool: string, before: string): Promise<Allocation[]> {
    const rows = await this.rows<AllocationPgRow>(
      `SELECT ${COLUMNS} FROM mac_allocations WHERE status = 'active' AND pool = $1 AND allocated_at < $2
       ORDER BY allocated_at, mac_int`,
      [pool, before],
    );
    return rows.map(toAllocation);
  }

  async audit(limit: number, macAddress?: string): Promise<AuditEntry[]> {
    const cols = 'id, action, mac_address, pool, device_id, "user", details, timestamp';
    const rows = await this.rows<{
      id: string;
      action: AuditEntry['action'];
      mac_address: string | null;
      pool: string | null;
      device_id: string | null;
      user: string;
      details: Record<string, unknown> | null;
      timestamp: Date;
    }>(
      macAddress === undefined
        ? `SELECT ${cols} FROM audit_log ORDER BY id DESC LIMIT $1`
        : `SELECT ${cols} FROM audit_log WHERE mac_address = $2 ORDER BY id DESC LIMIT $1`,
      macAddress === undefined ? [limit] : [limit, macAddress],
    );
    return rows.reverse().map((r) => ({
      id: Number(r.id),
      action: r.action,
      macAddress: r.mac_address,
      pool: r.pool,
      deviceId: r.device_id,
      user: r.user,
      details: r.details,
      timestamp: r.timestamp.toISOString(),
    }));
  }
}

function toAllocation(r: AllocationPgRow): Allocation {
  return {
    mac: Number(r.mac_int),
    macAddress: r.mac_address,
    pool: r.pool,
    deviceId: r.device_id,
    deviceType: r.device_type,
    metadata: r.metadata,
    allocatedAt: r.allocated_at.toISOString(),
    releasedAt: r.released_at === null ? null : r.released_at.toISOString(),
    status: r.status,
  };
}
