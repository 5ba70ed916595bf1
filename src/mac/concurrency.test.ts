import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseMac } from '../net/index.js';
import { BACKENDS, freshDb, type TestDb } from './test-support/backends.js';

const WORKER = path.join(import.meta.dirname, 'test-support', 'alloc-worker.mjs');
const BUILT = path.join(import.meta.dirname, '..', '..', 'dist', 'mac', 'index.js');
const DEV_START = parseMac('a4:58:0f:01:00:00');
const DEV_END = parseMac('a4:58:0f:01:ff:ff');

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function worker(db: string, args: string[]): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [WORKER, db, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

beforeAll(() => {
  if (!fs.existsSync(BUILT))
    throw new Error(`${BUILT} missing: the worker processes use the build; run npx tsc -p tsconfig.json`);
});

describe.each(BACKENDS)('allocation under concurrency on %s', (backend) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb(backend);
  });
  afterEach(async () => {
    await t.dispose();
  });

  const count = async (sql: string) => Number((await t.sql<{ n: unknown }>(sql))[0]!.n);

  it('8 processes x 500 allocations: 4000 distinct addresses, 4000 audit rows, no failures', async () => {
    const runs = Array.from({ length: 8 }, (_, i) => worker(t.db, ['development', '500', `p${i}`]).done);
    const results = await Promise.all(runs);
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const reported = results.flatMap((r) => r.stdout.trim().split('\n'));
    expect(reported).toHaveLength(4000);
    expect(new Set(reported).size).toBe(4000);
    for (const mac of reported) {
      const n = parseMac(mac);
      expect(n >= DEV_START && n <= DEV_END).toBe(true);
    }
    expect(
      await count("SELECT count(DISTINCT mac_address) AS n FROM mac_allocations WHERE status = 'active'"),
    ).toBe(4000);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'allocate'")).toBe(4000);
    expect(await count('SELECT count(DISTINCT device_id) AS n FROM mac_allocations')).toBe(4000);
    if (backend === 'sqlite') {
      expect(await t.sql('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    }
  });

  it('a process killed with SIGKILL mid-allocation loses nothing it reported and leaves no half-written row', async () => {
    const w = worker(t.db, ['development', '100000', 'k']);
    // Kill once it has reported a good number of allocations: it is then in the middle of the next ones.
    await new Promise<void>((resolve) => {
      // Also on exit: a worker that fails early must fail the assertions below, not hang the test.
      void w.done.then(() => resolve());
      w.child.stdout!.on('data', () => {
        if ((w.child.stdout as unknown as { bytesRead: number }).bytesRead > 18 * 300) resolve();
      });
    });
    w.child.kill('SIGKILL');
    const r = await w.done;
    expect(r.signal).toBe('SIGKILL');
    const reported = r.stdout.split('\n').filter((l) => /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(l));
    expect(reported.length).toBeGreaterThanOrEqual(300);
    const rows = await t.sql<{ mac_address: string; status: string }>(
      'SELECT mac_address, status FROM mac_allocations',
    );
    const status = new Map(rows.map((x) => [x.mac_address, x.status]));
    for (const mac of reported) expect(status.get(mac)).toBe('active');
    // Every allocation row has exactly one audit row and every audit row its allocation: nothing half-written.
    const audits = await t.sql<{ mac_address: string; n: unknown }>(
      "SELECT mac_address, count(*) AS n FROM audit_log WHERE action = 'allocate' GROUP BY mac_address",
    );
    expect(audits).toHaveLength(rows.length);
    for (const a of audits) {
      expect(Number(a.n)).toBe(1);
      expect(status.get(a.mac_address)).toBe('active');
    }
    // Nothing is jammed: the next allocation succeeds with a new address.
    const next = await t.dispenser().allocate({});
    expect(status.has(next.allocation.macAddress)).toBe(false);
    if (backend === 'sqlite') {
      expect(await t.sql('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    }
  });
});
