import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { formatMac, parseMac } from '../net/index.js';
import { cleanup } from './cleanup.js';
import { DEFAULT_POOLS, type PoolConfig, parsePoolConfig } from './pools.js';
import { auditLog, listAllocations, poolStats, showMac } from './queries.js';
import { BACKENDS, freshDb, type TestDb } from './test-support/backends.js';

const TINY: PoolConfig = parsePoolConfig(
  `version: 1
pools:
  tiny:
    start: a4:58:0f:10:00:00
    end: a4:58:0f:10:00:0f
    auto_release_days: 1
  other:
    start: a4:58:0f:20:00:00
    end: a4:58:0f:20:00:ff
    auto_release_days: never
  development:
    start: a4:58:0f:01:00:00
    end: a4:58:0f:01:ff:ff
    auto_release_days: 7
`,
  'tiny.yaml',
);

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; exitCode: number }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ToolError) return { code: err.code, message: err.message, exitCode: err.exitCode };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe.each(BACKENDS)('dispenser on %s', (backend) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb(backend);
  });
  afterEach(async () => {
    await t.dispose();
  });

  const count = async (sql: string, ...params: unknown[]) =>
    Number((await t.sql<{ n: unknown }>(sql, ...params))[0]!.n);

  it('allocates the lowest never-used address of the default pool, with its audit row', async () => {
    const d = t.dispenser({ pools: { pools: DEFAULT_POOLS, source: 'defaults' } });
    const a = await d.allocate({ deviceId: 'vm-1', metadata: '{"build":42}' });
    expect(a.allocation).toMatchObject({
      macAddress: 'a4:58:0f:01:00:00',
      pool: 'development',
      deviceId: 'vm-1',
      deviceType: 'qemu-vm',
      metadata: { build: 42 },
      status: 'active',
      releasedAt: null,
    });
    expect(a.existing).toBe(false);
    const b = await d.allocate({ pool: 'production', deviceType: 'bare-metal' });
    expect(b.allocation.macAddress).toBe('a4:58:0f:00:00:01');
    expect(b.allocation.deviceId).toBeNull();
    const audit = await auditLog(d, 10);
    expect(audit.map((e) => [e.action, e.macAddress, e.pool, e.deviceId, e.user])).toEqual([
      ['allocate', 'a4:58:0f:01:00:00', 'development', 'vm-1', 'tester'],
      ['allocate', 'a4:58:0f:00:00:01', 'production', null, 'tester'],
    ]);
    expect(audit[0]!.details).toEqual({ deviceType: 'qemu-vm', metadata: { build: 42 }, reused: false });
  });

  it('is idempotent per device and pool, unless forceNew', async () => {
    const d = t.dispenser({ pools: TINY });
    const first = await d.allocate({ pool: 'tiny', deviceId: 'vm' });
    const again = await d.allocate({ pool: 'tiny', deviceId: 'vm' });
    expect(again.allocation.macAddress).toBe(first.allocation.macAddress);
    expect(again.existing).toBe(true);
    const other = await d.allocate({ pool: 'other', deviceId: 'vm' });
    expect(other.allocation.macAddress).toBe('a4:58:0f:20:00:00');
    const fresh = await d.allocate({ pool: 'tiny', deviceId: 'vm', forceNew: true });
    expect(fresh.allocation.macAddress).toBe('a4:58:0f:10:00:01');
    expect(await count('SELECT count(*) AS n FROM audit_log')).toBe(3);
  });

  it('exhausts a 16-address pool, then hands out exactly the released one', async () => {
    const d = t.dispenser({ pools: TINY });
    const macs: string[] = [];
    for (let i = 0; i < 16; i++) macs.push((await d.allocate({ pool: 'tiny' })).allocation.macAddress);
    expect(macs).toEqual(Array.from({ length: 16 }, (_, i) => formatMac(0xa4580f100000 + i)));
    const full = await refusal(d.allocate({ pool: 'tiny' }));
    expect(full).toEqual({
      code: 'POOL_EXHAUSTED',
      exitCode: 1,
      message:
        "pool exhausted: pool 'tiny' (a4:58:0f:10:00:00-a4:58:0f:10:00:0f) has 16 of 16 addresses in use (16 active, 0 reserved)",
    });
    await d.release('a4:58:0f:10:00:07');
    const next = await d.allocate({ pool: 'tiny', deviceId: 'late' });
    expect(next.allocation.macAddress).toBe('a4:58:0f:10:00:07');
    expect(next.reused).toBe(true);
    expect((await refusal(d.allocate({ pool: 'tiny' }))).code).toBe('POOL_EXHAUSTED');
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'allocate'")).toBe(17);
  });

  it('reuses the address released longest ago, and never a reserved one', async () => {
    // A clock that moves one second per reading: two releases never share a timestamp, so
    // "longest ago" is decided by time and not by the lower-address tie-break.
    let tick = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => {
      tick += 1000;
      return new Date(tick);
    };
    const d = t.dispenser({ pools: TINY, now: clock });
    for (let i = 0; i < 15; i++) await d.allocate({ pool: 'tiny' });
    await d.reserve({ pool: 'tiny', deviceId: 'switch' });
    await d.release('a4:58:0f:10:00:09');
    await d.release('a4:58:0f:10:00:02');
    expect((await d.allocate({ pool: 'tiny' })).allocation.macAddress).toBe('a4:58:0f:10:00:09');
    expect((await d.allocate({ pool: 'tiny' })).allocation.macAddress).toBe('a4:58:0f:10:00:02');
    const full = await refusal(d.allocate({ pool: 'tiny' }));
    expect(full.message).toContain('has 16 of 16 addresses in use (15 active, 1 reserved)');
  });

  it('skips addresses reserved ahead of the cursor and never leaves the range', async () => {
    const d = t.dispenser({ pools: TINY });
    await d.reserve({ mac: 'a4:58:0f:10:00:00', deviceId: 'r0' });
    await d.reserve({ mac: 'a4:58:0f:10:00:01', deviceId: 'r1' });
    await d.reserve({ mac: 'a4:58:0f:10:00:03', deviceId: 'r3' });
    await d.reserve({ mac: 'a4:58:0f:10:00:0f', deviceId: 'r15' });
    const got: number[] = [];
    for (let i = 0; i < 12; i++)
      got.push(parseMac((await d.allocate({ pool: 'tiny' })).allocation.macAddress) - 0xa4580f100000);
    expect(got).toEqual([2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect((await refusal(d.allocate({ pool: 'tiny' }))).code).toBe('POOL_EXHAUSTED');
    const rows = await t.sql<{ n: unknown }>("SELECT count(*) AS n FROM mac_allocations WHERE pool = 'tiny'");
    expect(Number(rows[0]!.n)).toBe(16);
  });

  it('restarts its walk when a pool range changes', async () => {
    const d1 = t.dispenser({ pools: TINY });
    await d1.allocate({ pool: 'tiny' });
    await d1.allocate({ pool: 'tiny' });
    const widened = parsePoolConfig(
      'version: 1\npools:\n  tiny:\n    start: a4:58:0f:0f:ff:fe\n    end: a4:58:0f:10:00:0f\n    auto_release_days: 1\n',
      'w.yaml',
    );
    const d2 = t.dispenser({ pools: widened });
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await d2.allocate({ pool: 'tiny' })).allocation.macAddress);
    expect(got).toEqual(['a4:58:0f:0f:ff:fe', 'a4:58:0f:0f:ff:ff', 'a4:58:0f:10:00:02']);
  });

  it('reserves a given address or the next free one, and refuses bad reservations', async () => {
    const d = t.dispenser({ pools: TINY });
    const r = await d.reserve({ mac: 'A4:58:0F:20:00:10', deviceId: 'router' });
    expect(r).toMatchObject({
      macAddress: 'a4:58:0f:20:00:10',
      pool: 'other',
      status: 'reserved',
      deviceId: 'router',
    });
    const n = await d.reserve({ pool: 'tiny', deviceId: 'lab' });
    expect(n.macAddress).toBe('a4:58:0f:10:00:00');
    const inUse = await refusal(d.reserve({ mac: 'a4:58:0f:20:00:10', deviceId: 'x' }));
    expect(inUse).toEqual({
      code: 'MAC_IN_USE',
      exitCode: 1,
      message:
        "a4:58:0f:20:00:10: MAC already allocated to device 'router' (reserved); show it, or release it first",
    });
    const outside = await refusal(d.reserve({ mac: 'a4:58:0f:30:00:00', deviceId: 'x' }));
    expect(outside).toEqual({
      code: 'MAC_OUTSIDE_POOL',
      exitCode: 2,
      message: 'mac: a4:58:0f:30:00:00 is not inside any configured pool',
    });
    const wrongPool = await refusal(d.reserve({ mac: 'a4:58:0f:20:00:11', pool: 'tiny', deviceId: 'x' }));
    expect(wrongPool.message).toBe(
      "mac: a4:58:0f:20:00:11 is not inside pool 'tiny' (a4:58:0f:10:00:00-a4:58:0f:10:00:0f)",
    );
    expect((await refusal(d.reserve({ deviceId: 'x' }))).code).toBe('BAD_OPTION');
    const reserveRows = await d.store().then((s) => s.read((tx) => tx.audit(100)));
    expect(reserveRows.map((e) => e.action)).toEqual(['reserve', 'reserve']);
  });

  it('releases by address or by device; reserved only with force', async () => {
    const d = t.dispenser({ pools: TINY });
    const a = (await d.allocate({ pool: 'tiny', deviceId: 'vm' })).allocation.macAddress;
    const b = (await d.allocate({ pool: 'other', deviceId: 'vm' })).allocation.macAddress;
    const res = await d.reserve({ pool: 'tiny', deviceId: 'vm' });
    const byDevice = await d.release('vm');
    expect(byDevice.released.map((x) => x.macAddress)).toEqual([a, b]);
    expect(byDevice.released.every((x) => x.status === 'released' && x.releasedAt !== null)).toBe(true);
    const blocked = await refusal(d.release('vm'));
    expect(blocked).toEqual({
      code: 'MAC_RESERVED',
      exitCode: 1,
      message: `force: needed to release ${res.macAddress}, reserved for device 'vm'`,
    });
    expect((await refusal(d.release(res.macAddress))).code).toBe('MAC_RESERVED');
    expect((await d.release(res.macAddress, { force: true })).released).toHaveLength(1);
    expect(await d.release(a)).toEqual({ released: [], alreadyReleased: [a] });
    expect(await refusal(d.release('nobody'))).toEqual({
      code: 'DEVICE_NOT_FOUND',
      exitCode: 1,
      message: "device 'nobody': holds no active address",
    });
    expect(await refusal(d.release('a4:58:0f:10:00:0e'))).toEqual({
      code: 'MAC_NOT_FOUND',
      exitCode: 1,
      message: "a4:58:0f:10:00:0e: never allocated (pool 'tiny')",
    });
    const history = await showMac(d, a);
    expect(history.history.map((e) => e.action)).toEqual(['allocate', 'release']);
    expect(history.allocation.status).toBe('released');
  });

  it('refuses bad input with exit 2 and changes nothing', async () => {
    const d = t.dispenser({ pools: TINY });
    await d.allocate({ pool: 'tiny', deviceId: 'keep' });
    const before = await t.sql('SELECT * FROM mac_allocations ORDER BY mac_int');
    const cases: [Promise<unknown>, string][] = [
      [d.allocate({ pool: 'Tiny' }), 'POOL_UNKNOWN'],
      [d.allocate({ pool: 'tiny', metadata: '{bad' }), 'METADATA_INVALID'],
      [d.allocate({ pool: 'tiny', metadata: '"text"' }), 'METADATA_INVALID'],
      [d.allocate({ pool: 'tiny', deviceId: '' }), 'BAD_OPTION'],
      [d.release('a4:58:0f:10:00'), 'MAC_MALFORMED'],
      [d.release('52:54:00:00:00:01'), 'MAC_OUTSIDE_OUI'],
      [d.reserve({ mac: 'zz:zz', deviceId: 'x' }), 'MAC_MALFORMED'],
      [d.reserve({ mac: '52:54:00:00:00:01', deviceId: 'x' }), 'MAC_OUTSIDE_OUI'],
      [d.reserve({ pool: 'nope', deviceId: 'x' }), 'POOL_UNKNOWN'],
      [showMac(d, 'nonsense'), 'MAC_MALFORMED'],
      [listAllocations(d, { pool: 'nope' }), 'POOL_UNKNOWN'],
      [cleanup(d, { pool: 'nope' }), 'POOL_UNKNOWN'],
    ];
    for (const [p, code] of cases) {
      const r = await refusal(p);
      expect([r.code, r.exitCode]).toEqual([code, 2]);
      expect(r.message).not.toContain('\n');
    }
    expect(await t.sql('SELECT * FROM mac_allocations ORDER BY mac_int')).toEqual(before);
    expect(await count('SELECT count(*) AS n FROM audit_log')).toBe(1);
  });

  it('cleans up allocations older than the pool age (or --days), dry run changing nothing', async () => {
    let now = new Date('2025-01-01T00:00:00Z');
    const d = t.dispenser({ pools: TINY, now: () => now });
    const old = (await d.allocate({ pool: 'tiny', deviceId: 'old' })).allocation.macAddress;
    await d.allocate({ pool: 'other', deviceId: 'forever' });
    await d.reserve({ pool: 'tiny', deviceId: 'held' });
    now = new Date('2025-01-01T12:00:00Z');
    const young = (await d.allocate({ pool: 'tiny', deviceId: 'young' })).allocation.macAddress;
    now = new Date('2025-01-02T06:00:00Z');
    const dry = await cleanup(d, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.items.map((i) => [i.allocation.macAddress, i.thresholdDays, i.ageDays])).toEqual([
      [old, 1, 1.25],
    ]);
    expect(dry.skippedPools).toEqual(['other']);
    expect(await count("SELECT count(*) AS n FROM mac_allocations WHERE status = 'released'")).toBe(0);
    const auditBefore = await count('SELECT count(*) AS n FROM audit_log');
    const real = await cleanup(d, {});
    expect(real.items.map((i) => [i.allocation.macAddress, i.allocation.status])).toEqual([
      [old, 'released'],
    ]);
    expect(await count('SELECT count(*) AS n FROM audit_log')).toBe(auditBefore + 1);
    const row = (await auditLog(d, 1))[0]!;
    expect(row).toMatchObject({ action: 'cleanup', macAddress: old, deviceId: 'old' });
    const days = await cleanup(d, { days: 0.25 });
    expect(days.items.map((i) => i.allocation.macAddress)).toEqual([young]);
    expect(await count("SELECT count(*) AS n FROM mac_allocations WHERE status = 'active'")).toBe(1);
    expect(await count("SELECT count(*) AS n FROM mac_allocations WHERE status = 'reserved'")).toBe(1);
  });

  it('reports per-pool statistics and lists by status', async () => {
    const d = t.dispenser({ pools: TINY });
    for (let i = 0; i < 4; i++) await d.allocate({ pool: 'tiny', deviceId: `vm${i}` });
    await d.reserve({ pool: 'tiny', deviceId: 'r' });
    await d.release('vm0');
    const tiny = (await poolStats(d)).find((s) => s.pool === 'tiny');
    expect(tiny).toEqual({
      pool: 'tiny',
      start: 'a4:58:0f:10:00:00',
      end: 'a4:58:0f:10:00:0f',
      size: 16,
      active: 3,
      reserved: 1,
      released: 1,
      free: 12,
      usedPercent: 25,
      autoReleaseDays: 1,
    });
    expect((await listAllocations(d, { statuses: ['active'] })).map((r) => r.deviceId)).toEqual([
      'vm1',
      'vm2',
      'vm3',
    ]);
    expect((await listAllocations(d, { statuses: ['released', 'reserved'] })).map((r) => r.status)).toEqual([
      'released',
      'reserved',
    ]);
    expect(await listAllocations(d, { limit: 2 })).toHaveLength(2);
    expect(await listAllocations(d, { pool: 'other' })).toEqual([]);
  });

  it('keeps the audit log append-only in the database itself', async () => {
    const d = t.dispenser({ pools: TINY });
    await d.allocate({ pool: 'tiny' });
    await expect(t.sql("UPDATE audit_log SET action = 'forged'")).rejects.toThrow('audit_log is append-only');
    await expect(t.sql('DELETE FROM audit_log')).rejects.toThrow('audit_log is append-only');
    if (backend === 'postgres')
      await expect(t.sql('TRUNCATE audit_log')).rejects.toThrow('audit_log is append-only');
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'allocate'")).toBe(1);
  });

  it('records its schema version and migrates only once', async () => {
    const d = t.dispenser({ pools: TINY });
    const store = await d.store();
    expect(await store.schemaVersion()).toBe(1);
    const d2 = t.dispenser({ pools: TINY });
    await d2.allocate({ pool: 'tiny' });
    const rows = await t.sql<{ version: unknown }>('SELECT version FROM schema_migrations');
    expect(rows.map((r) => Number(r.version))).toEqual([1]);
  });

  it('refuses a database written by a newer rock-mac', async () => {
    await (await t.dispenser({ pools: TINY }).store()).schemaVersion();
    await t.sql("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')");
    const r = await refusal(t.dispenser({ pools: TINY }).allocate({ pool: 'tiny' }));
    expect(r.code).toBe('DB_SCHEMA_TOO_NEW');
    expect(r.message).toContain('schema version 99 is newer than this rock-mac understands (1)');
  });
});
