import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestSchema } from '../mac/test-support/pg.js';
import { VERSION } from '../version.js';
import { testContext } from './context.js';
import { rockMacProgram } from './rock-mac.js';
import { runCli } from './run.js';

const BIN = path.join(import.meta.dirname, '..', '..', 'dist', 'bin', 'rock-mac.js');

interface Ran {
  code: number;
  out: string;
  err: string;
}

let home: string;
let env: NodeJS.ProcessEnv;

async function rockMac(...argv: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const io = {
    out: (s: string) => {
      out += s.endsWith('\n') ? s : `${s}\n`;
    },
    err: (s: string) => {
      err += `${s}\n`;
    },
  };
  const context = { ...testContext({ env, io }), ...io };
  const code = await runCli('rock-mac', rockMacProgram(context), argv, context);
  return { code, out, err };
}

const TINY = `version: 1
pools:
  tiny:
    start: a4:58:0f:10:00:00
    end: a4:58:0f:10:00:01
    auto_release_days: 1
`;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
  env = { ROCK_HOME: home, ROCK_MAC_USER: 'ci' };
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe('rock-mac (in process)', () => {
  it('creates the database under ROCK_HOME on first use and prints the line scripts cut', async () => {
    const r = await rockMac('allocate', '--device', 'vm-1', '--metadata', '{"build":7}');
    expect(r).toEqual({ code: 0, out: 'Allocated MAC: a4:58:0f:01:00:00\n', err: '' });
    expect(fs.existsSync(path.join(home, 'mac-dispenser.db'))).toBe(true);
    const again = await rockMac('allocate', '--device', 'vm-1');
    expect(again.out).toBe('Allocated MAC: a4:58:0f:01:00:00\n');
    expect(again.err).toBe("rock-mac: device 'vm-1' already holds this address (--new for another)\n");
    const fresh = await rockMac('allocate', '--device', 'vm-1', '--new', '--json');
    expect(JSON.parse(fresh.out)).toMatchObject({
      macAddress: 'a4:58:0f:01:00:01',
      pool: 'development',
      deviceId: 'vm-1',
      deviceType: 'qemu-vm',
      status: 'active',
      existing: false,
      reused: false,
    });
  });

  it('honours ROCK_MAC_DB and --db', async () => {
    env.ROCK_MAC_DB = path.join(home, 'env.db');
    await rockMac('allocate');
    expect(fs.existsSync(path.join(home, 'env.db'))).toBe(true);
    await rockMac('--db', path.join(home, 'flag.db'), 'allocate');
    await rockMac('allocate', '--db', path.join(home, 'flag2.db'));
    expect(fs.existsSync(path.join(home, 'flag.db'))).toBe(true);
    expect(fs.existsSync(path.join(home, 'flag2.db'))).toBe(true);
    expect(fs.existsSync(path.join(home, 'mac-dispenser.db'))).toBe(false);
  });

  it('gives one line and exit 2 for bad input, changing nothing', async () => {
    await rockMac('allocate', '--device', 'a');
    const before = (await rockMac('export', '--format', 'json')).out;
    const bad: [string[], string][] = [
      [['allocate', '--pool', 'Development'], "rock-mac: --pool: unknown pool 'Development'"],
      [['allocate', '--metadata', '{oops'], 'rock-mac: --metadata: expected a JSON object, got invalid JSON'],
      [
        ['release', 'a4:58:0f:01:00'],
        'rock-mac: <mac-or-device>: expected a MAC address like a4:58:0f:00:00:01, got "a4:58:0f:01:00"',
      ],
      [
        ['show', '52:54:00:12:34:56'],
        'rock-mac: <mac-or-device>: expected an address under the ROCK-OS OUI a4:58:0f, got 52:54:00:12:34:56',
      ],
      [
        ['reserve', '--mac', 'a4:58:0f:77:00:00', '--device', 'x'],
        'rock-mac: --mac: a4:58:0f:77:00:00 is not inside any configured pool',
      ],
      [
        ['reserve', '--mac', 'a4:58:0f:01:00:09', '--pool', 'production', '--device', 'x'],
        'rock-mac: --mac: a4:58:0f:01:00:09 is not inside pool',
      ],
      [
        ['list', '--status', 'gone'],
        "rock-mac: --status: expected active, released, reserved or all, got 'gone'",
      ],
      [['audit', '--limit', '0'], "rock-mac: --limit: expected a positive integer, got '0'"],
      [['cleanup', '--days', 'x'], "rock-mac: --days: expected a positive integer, got 'x'"],
    ];
    for (const [argv, message] of bad) {
      const r = await rockMac(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')).toHaveLength(2);
      expect(r.err.startsWith(message)).toBe(true);
    }
    expect((await rockMac('export', '--format', 'json')).out).toBe(before);
    expect(JSON.parse((await rockMac('audit', '--json')).out)).toHaveLength(1);
  });

  it('reports errors as JSON with --json', async () => {
    const r = await rockMac('allocate', '--pool', 'nope', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error).toMatchObject({ code: 'POOL_UNKNOWN', data: { actual: 'nope' } });
  });

  it('exhausts a configured pool with exit 1 and the usage, then reuses a released address', async () => {
    const config = path.join(home, 'pools.yaml');
    fs.writeFileSync(config, TINY);
    env.ROCK_MAC_CONFIG = config;
    expect((await rockMac('allocate', '--pool', 'tiny')).out).toBe('Allocated MAC: a4:58:0f:10:00:00\n');
    expect((await rockMac('allocate', '--pool', 'tiny')).out).toBe('Allocated MAC: a4:58:0f:10:00:01\n');
    const full = await rockMac('allocate', '--pool', 'tiny');
    expect(full.code).toBe(1);
    expect(full.err).toBe(
      "rock-mac: pool exhausted: pool 'tiny' (a4:58:0f:10:00:00-a4:58:0f:10:00:01) has 2 of 2 addresses in use (2 active, 0 reserved)\n",
    );
    expect((await rockMac('release', 'a4:58:0f:10:00:00')).out).toBe(
      'Released MAC: a4:58:0f:10:00:00 (pool tiny, device -)\n',
    );
    const reused = await rockMac('allocate', '--pool', 'tiny');
    expect(reused.out).toBe('Allocated MAC: a4:58:0f:10:00:00\n');
    expect(reused.err).toContain('reusing a released address');
    const stats = await rockMac('stats', '--json');
    expect(JSON.parse(stats.out)).toEqual([
      {
        pool: 'tiny',
        start: 'a4:58:0f:10:00:00',
        end: 'a4:58:0f:10:00:01',
        size: 2,
        active: 2,
        reserved: 0,
        released: 0,
        free: 0,
        usedPercent: 100,
        autoReleaseDays: 1,
      },
    ]);
  });

  it('refuses a bad pool file with its line and column', async () => {
    const config = path.join(home, 'pools.yaml');
    fs.writeFileSync(config, TINY.replace('a4:58:0f:10:00:01', 'a4:58:0f:10:00:0g'));
    const r = await rockMac('--config', config, 'stats');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `rock-mac: ${config}:5:10: pools.tiny.end: expected a MAC address like a4:58:0f:00:00:01, got "a4:58:0f:10:00:0g"\n`,
    );
  });

  it('lists, shows, reserves, releases with --force, exports and audits', async () => {
    await rockMac('allocate', '--device', 'vm-a', '--type', 'firecracker');
    await rockMac('reserve', '--mac', 'a4:58:0f:ff:00:10', '--device', 'switch');
    expect((await rockMac('reserve', '--pool', 'reserved', '--device', 'router')).out).toBe(
      'Reserved MAC: a4:58:0f:ff:00:00 (pool reserved, device router)\n',
    );
    const list = await rockMac('list', '--status', 'all');
    expect(list.out.split('\n')[0]).toBe(
      'MAC                POOL         STATUS    DEVICE  TYPE         ALLOCATED             RELEASED',
    );
    expect(list.out.split('\n').filter((l) => l.startsWith('a4:'))).toHaveLength(3);
    const release = await rockMac('release', 'switch');
    expect(release.code).toBe(1);
    expect(release.err).toBe(
      "rock-mac: --force: needed to release a4:58:0f:ff:00:10, reserved for device 'switch'\n",
    );
    expect((await rockMac('release', 'switch', '--force')).out).toBe(
      'Released MAC: a4:58:0f:ff:00:10 (pool reserved, device switch)\n',
    );
    const show = await rockMac('show', 'A4:58:0F:FF:00:10', '--json');
    const details = JSON.parse(show.out);
    expect(details.allocation.status).toBe('released');
    expect(details.history.map((h: { action: string; user: string }) => [h.action, h.user])).toEqual([
      ['reserve', 'ci'],
      ['release', 'ci'],
    ]);
    const csv = (await rockMac('export')).out.split('\n');
    expect(csv[0]).toBe('mac_address,pool,status,device_id,device_type,metadata,allocated_at,released_at');
    expect(csv[1]).toMatch(/^a4:58:0f:01:00:00,development,active,vm-a,firecracker,,\d{4}-.*Z,$/);
    expect(csv.filter((l) => l.startsWith('a4:'))).toHaveLength(3);
    const activeOnly = JSON.parse((await rockMac('export', '--status', 'active', '--json')).out);
    expect(activeOnly.map((r: { macAddress: string }) => r.macAddress)).toEqual(['a4:58:0f:01:00:00']);
    const audit = (await rockMac('audit', '--limit', '2')).out.split('\n');
    expect(audit[0]).toMatch(/^TIME +ACTION +MAC/);
    expect(audit[2]).toMatch(
      /^\S+ \S+ +release +a4:58:0f:ff:00:10 +reserved +switch +ci +\{"previousStatus":"reserved"/,
    );
    const cleanup = await rockMac('cleanup', '--dry-run');
    expect(cleanup.out).toBe(
      'cleanup (dry run): would release 0 address(es), nothing changed; pools that never auto-release: production, reserved\n',
    );
    const notFound = await rockMac('show', 'a4:58:0f:01:00:09');
    expect([notFound.code, notFound.err]).toEqual([
      1,
      "rock-mac: a4:58:0f:01:00:09: never allocated (pool 'development')\n",
    ]);
  });

  it('runs against PostgreSQL with --db', async () => {
    const schema = await createTestSchema();
    try {
      const r = await rockMac('--db', schema.url, 'allocate', '--pool', 'vultr', '--device', 'v1');
      expect(r).toEqual({ code: 0, out: 'Allocated MAC: a4:58:0f:03:00:00\n', err: '' });
      const init = await rockMac('--db', schema.url, 'init', '--json');
      expect(JSON.parse(init.out)).toMatchObject({ backend: 'postgres', schemaVersion: 1 });
      expect(JSON.parse(init.out).location).toContain('rock:***@');
      const rows = await schema.query<{ mac_address: string }>('SELECT mac_address FROM mac_allocations');
      expect(rows).toEqual([{ mac_address: 'a4:58:0f:03:00:00' }]);
    } finally {
      await schema.drop();
    }
  });
});

describe('rock-mac (spawned)', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env, ROCK_MAC_CONFIG: '', ROCK_MAC_DB: '', ROCK_MAC_DATABASE_URL: '' },
      cwd: home,
      encoding: 'utf8',
    });

  it('prints its version and allocates with the exit codes documented', () => {
    expect(fs.existsSync(BIN)).toBe(true);
    const v = run('--version');
    expect([v.status, v.stdout]).toEqual([0, `${VERSION}\n`]);
    const a = run('allocate', '--device', 'spawned');
    expect([a.status, a.stdout, a.stderr]).toEqual([0, 'Allocated MAC: a4:58:0f:01:00:00\n', '']);
    const cut = a.stdout
      .split('\n')
      .find((l) => l.startsWith('Allocated MAC: '))!
      .slice('Allocated MAC: '.length);
    expect(cut).toBe('a4:58:0f:01:00:00');
    const bad = run('allocate', '--pool', 'none');
    expect(bad.status).toBe(2);
    const usage = run('allocate', '--bogus');
    expect(usage.status).toBe(2);
  });

  it('takes the design\'s capture as written: grep "Allocated MAC:" | cut -d: -f2- (a leading space)', () => {
    const sh = (script: string) =>
      spawnSync('sh', ['-c', script], {
        env: {
          ...process.env,
          ...env,
          ROCK_MAC_CONFIG: '',
          ROCK_MAC_DB: '',
          ROCK_MAC_DATABASE_URL: '',
          ROCK_MAC: `${process.execPath} ${BIN}`,
        },
        cwd: home,
        encoding: 'utf8',
      });
    const captured = sh(
      'MAC=$($ROCK_MAC allocate --device design | grep "Allocated MAC:" | cut -d: -f2-); printf "[%s]" "$MAC"',
    );
    expect(captured.stdout).toBe('[ a4:58:0f:01:00:00]');
    const used = sh(
      'MAC=$($ROCK_MAC allocate --device design | grep "Allocated MAC:" | cut -d: -f2-); $ROCK_MAC show "$MAC" --json',
    );
    expect(used.status).toBe(0);
    expect(JSON.parse(used.stdout).allocation.macAddress).toBe('a4:58:0f:01:00:00');
    const dashes = sh('$ROCK_MAC release " A4-58-0F-01-00-00 "');
    expect([dashes.status, dashes.stdout]).toEqual([
      0,
      'Released MAC: a4:58:0f:01:00:00 (pool development, device design)\n',
    ]);
  });
});

describe("rock-mac: the design's troubleshooting path", () => {
  it('"MAC already allocated" names the device; show DEVICE lists what it holds; release frees it', async () => {
    await rockMac('allocate', '--device', 'node-7');
    const taken = await rockMac('reserve', '--mac', 'a4:58:0f:01:00:00', '--device', 'other');
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('MAC already allocated');
    expect(taken.err).toContain("device 'node-7'");
    const show = await rockMac('show', 'node-7');
    expect(show.code).toBe(0);
    expect(show.out).toContain('Device node-7: 1 address(es)');
    expect(show.out).toContain('MAC:         a4:58:0f:01:00:00');
    const json = JSON.parse((await rockMac('show', 'node-7', '--json')).out);
    expect(json.deviceId).toBe('node-7');
    expect(json.allocations[0].allocation.macAddress).toBe('a4:58:0f:01:00:00');
    expect(json.allocations[0].history.map((h: { action: string }) => h.action)).toEqual(['allocate']);
    const unknown = await rockMac('show', 'no-such-device');
    expect([unknown.code, unknown.err]).toEqual([
      1,
      "rock-mac: device 'no-such-device': never held an address\n",
    ]);
    expect((await rockMac('release', 'node-7')).code).toBe(0);
    const free = await rockMac('reserve', '--mac', ' A4-58-0F-01-00-00', '--device', 'other');
    expect([free.code, free.out]).toEqual([
      0,
      'Reserved MAC: a4:58:0f:01:00:00 (pool development, device other)\n',
    ]);
  });
});
