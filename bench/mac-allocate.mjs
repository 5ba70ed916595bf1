#!/usr/bin/env node
// Allocations per second of rock-mac, single process and 8 concurrent processes, on SQLite and
// PostgreSQL. Uses the build: run `npx tsc -p tsconfig.json` first.
//   node bench/mac-allocate.mjs [--count N (per process, default 1000)] [--procs P (default 8)] [--pg URL]
// PostgreSQL URL: --pg, else $ROCK_MAC_TEST_PG_URL, else the server scripts/start-postgres.sh starts.
// Each run uses a fresh database (temp SQLite file, or a fresh schema dropped afterwards). Workers open
// their database and allocate once before the clock starts, so the numbers are allocation throughput,
// not process start-up.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDispenser } from '../dist/mac/index.js';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--worker') {
  const [, , , db, countText] = process.argv;
  const d = createDispenser({ db, env: {}, cwd: '/' });
  await d.allocate({ pool: 'development' });
  process.stdout.write('ready\n');
  process.stdin.once('data', async () => {
    for (let i = 0; i < Number(countText); i++) await d.allocate({ pool: 'development' });
    await d.close();
    process.stdout.write('done\n');
    process.exit(0);
  });
} else {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000' },
      procs: { type: 'string', default: '8' },
      pg: { type: 'string' },
    },
  });
  const count = Number(values.count);
  const procs = Number(values.procs);
  const pgUrl =
    values.pg ?? (process.env.ROCK_MAC_TEST_PG_URL || 'postgres://rock:rock@127.0.0.1:5432/rock_test');

  /** Runs `n` workers against `db`; returns allocations per second from the start signal to the last finish. */
  async function run(db, n) {
    const children = Array.from({ length: n }, () =>
      spawn(process.execPath, [self, '--worker', db, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const lines = children.map((c) => {
      let buf = '';
      const waiters = [];
      c.stdout.on('data', (b) => {
        buf += b.toString();
        let i = buf.indexOf('\n');
        while (i >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          waiters.shift()?.(line);
          i = buf.indexOf('\n');
        }
      });
      c.on('exit', (code) => {
        if (code !== 0) for (const w of waiters.splice(0)) w(`exit ${code}`);
      });
      return () => new Promise((resolve) => waiters.push(resolve));
    });
    const ready = await Promise.all(lines.map((next) => next()));
    if (ready.some((l) => l !== 'ready')) throw new Error(`worker failed: ${ready.join(', ')}`);
    const finished = lines.map((next) => next());
    const t0 = process.hrtime.bigint();
    for (const c of children) c.stdin.write('go\n');
    const done = await Promise.all(finished);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (done.some((l) => l !== 'done')) throw new Error(`worker failed: ${done.join(', ')}`);
    return { allocations: n * count, seconds, perSecond: (n * count) / seconds };
  }

  const results = [];
  const report = (backend, n, r) => {
    results.push({ backend, processes: n, ...r });
    console.log(
      `${backend.padEnd(10)} x${String(n).padEnd(3)} ${String(r.allocations).padStart(6)} allocations in ` +
        `${r.seconds.toFixed(2)} s = ${Math.round(r.perSecond)} allocations/s`,
    );
  };

  console.log(
    `rock-mac allocate benchmark: ${count} per process; node ${process.version}, ${os.cpus().length} CPUs`,
  );
  for (const n of [1, procs]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
    try {
      report('sqlite', n, await run(path.join(dir, 'bench.db'), n));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  let pgFailed = false;
  for (const n of [1, procs]) {
    const schema = `rock_mac_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    try {
      await admin.connect();
    } catch (err) {
      console.log(
        `postgres: cannot connect to ${pgUrl.replace(/:[^:@/]*@/, ':***@')} (${err.message}); start one with scripts/start-postgres.sh`,
      );
      pgFailed = true;
      break;
    }
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
      const u = new URL(pgUrl);
      u.searchParams.set('options', `-c search_path=${schema}`);
      report('postgres', n, await run(u.toString(), n));
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  }
  if (process.env.BENCH_JSON)
    fs.writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
  process.exitCode = pgFailed ? 1 : 0;
}
