import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElf } from '../deps/test-support/elf-builder.js';
import { withNeededVersion } from '../elf/test-support/elf-edit.js';
import { rockDepsProgram } from './rock-deps.js';
import { type Io, runCli } from './run.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rock-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const broken = path.join(tmp, 'broken');
fs.writeFileSync(
  broken,
  buildElf({ interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libnope.so.9', 'libc.so.6'] }),
  { mode: 0o755 },
);

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => {
      out += `${t}\n`;
    },
    err: (t) => {
      err += `${t}\n`;
    },
  };
  const code = await runCli('rock-deps', rockDepsProgram(io), argv, io);
  return { code, out, err };
}

describe('rock-deps (in process)', () => {
  it('scan prints each library with its path and exits 0', async () => {
    const r = await run('scan', '/bin/ls');
    expect(r.code).toBe(0);
    expect(r.out).toContain('/bin/ls: dynamic 64-bit x86_64 (glibc)');
    expect(r.out).toContain(
      '  libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 -> /usr/lib/x86_64-linux-gnu/libc.so.6 (ld.so.cache)',
    );
    expect(r.out).toContain('ok: 1 checked, nothing missing');
  });

  it('scan exits 1 and shows the paths searched for a missing library', async () => {
    const r = await run('scan', broken);
    expect(r.code).toBe(1);
    expect(r.out).toContain('  libnope.so.9 => not found');
    expect(r.out).toContain(
      '      searched: /lib/x86_64-linux-gnu/libnope.so.9 /usr/lib/x86_64-linux-gnu/libnope.so.9 /lib/libnope.so.9 /usr/lib/libnope.so.9',
    );
    expect(r.out).toContain('FAILED: 1 of 1 cannot start');
  });

  it('scan --json prints only JSON', async () => {
    const r = await run('scan', '/bin/ls', '/bin/busybox', '--json');
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out) as { ok: boolean; binaries: { path: string; libraries: unknown[] }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.binaries.map((b) => [b.path, b.libraries.length])).toEqual([
      ['/bin/ls', 4],
      ['/bin/busybox', 0],
    ]);
  });

  it('tree prints the lddtree-like tree', async () => {
    const r = await run('tree', '/bin/ls');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(0, 3)).toEqual([
      '/bin/ls (interpreter => /lib64/ld-linux-x86-64.so.2)',
      '    libselinux.so.1 => /lib/x86_64-linux-gnu/libselinux.so.1',
      '        libpcre2-8.so.0 => /lib/x86_64-linux-gnu/libpcre2-8.so.0',
    ]);
  });

  it('check passes when every named library is in the closure, fails (exit 1) otherwise', async () => {
    expect((await run('check', '/usr/bin/curl', 'libssl.so.3', 'libcrypto.so.3')).code).toBe(0);
    const r = await run('check', '/usr/bin/curl', 'libssl.so.3', 'libnope.so', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({
      ok: false,
      absent: ['libnope.so'],
      present: [{ name: 'libssl.so.3' }],
    });
  });

  it('copy writes the closure under ROOTFS and refuses (exit 1, nothing written) when something is missing', async () => {
    const to = path.join(tmp, 'rootfs');
    const r = await run('copy', '/bin/ls', '--to', to, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ files: 4, symlinks: 4 });
    expect(fs.existsSync(path.join(to, 'usr/lib/x86_64-linux-gnu/libselinux.so.1'))).toBe(true);
    const refused = path.join(tmp, 'refused');
    const bad = await run('copy', broken, '--to', refused);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('dependencies do not all resolve; nothing copied');
    expect(fs.existsSync(refused)).toBe(false);
  });

  it('scan and check exit 1 naming the library and the symbol version it lacks', async () => {
    const stale = path.join(tmp, 'needs-glibc-9.34');
    fs.writeFileSync(stale, withNeededVersion(fs.readFileSync('/usr/bin/true'), 'GLIBC_2.34', 'GLIBC_9.34'), {
      mode: 0o755,
    });
    const line = `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6: version GLIBC_9.34 not found (required by ${stale})`;
    const scan = await run('scan', stale);
    expect(scan.code).toBe(1);
    expect(scan.out).toContain(`  ERROR: ${line}`);
    expect(scan.out).toContain('FAILED: 1 of 1 cannot start');
    const check = await run('check', stale, 'libc.so.6');
    expect(check.code).toBe(1);
    expect(check.out).toContain(`VERSION  ${line}`);
    const json = await run('scan', stale, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).binaries[0].versionProblems).toMatchObject([
      { kind: 'missing', file: 'libc.so.6', missing: ['GLIBC_9.34'] },
    ]);
    // Positive twin: the same binary unpatched.
    const fresh = path.join(tmp, 'true-copy');
    fs.copyFileSync('/usr/bin/true', fresh);
    expect((await run('scan', fresh)).code).toBe(0);
    expect((await run('check', fresh, 'libc.so.6')).code).toBe(0);
  });

  it('exits 2 for unusable input and usage errors', async () => {
    const r = await run('scan', '/bin/ls', '--root', '/bin/ls');
    expect(r.code).toBe(2);
    expect(r.err).toBe('rock-deps: /bin/ls: --root: expected a directory, found a file\n');
    expect((await run('scan')).code).toBe(2);
  });
});

describe('rock-deps (spawned build)', () => {
  // A private build: other test files rebuild dist/ concurrently, and a half-written file would flake.
  const outDir = path.resolve('.cache', `rock-deps-dist-${process.pid}`);
  const cli = path.join(outDir, 'cli', 'rock-deps.js');
  beforeAll(() => {
    // tsc emits even when files of other folders have type errors; its exit code is not ours.
    spawnSync(
      'npx',
      ['tsc', '-p', 'tsconfig.json', '--outDir', outDir, '--declaration', 'false', '--sourceMap', 'false'],
      {
        stdio: 'ignore',
      },
    );
  }, 120_000);
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('runs as a program: --json output and exit codes', () => {
    const ok = spawnSync('node', [cli, 'scan', '/bin/ls', '--json']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout.toString()).ok).toBe(true);
    const missing = spawnSync('node', [cli, 'scan', broken]);
    expect(missing.status).toBe(1);
    expect(spawnSync('node', [cli, '--help']).stdout.toString()).toContain(
      'rock-deps check volcano-agent libssl.so.3 libcrypto.so.3',
    );
  });
});
