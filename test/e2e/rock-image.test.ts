// End to end: the built rock-image and rock-verify, run as a user runs them, on the real fixture
// components; archives read back with GNU cpio and bsdtar.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, runTool } from '../support/cli.js';

let work: string;
let fx: string;

function componentArgs(): string[] {
  return componentFlags(fx);
}

beforeAll(() => {
  fx = fixturesDir();
  work = mkdtempSync(join(tmpdir(), 'rock-e2e-'));
  writeFileSync(join(work, 'CONFIG_KEY'), 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n', { mode: 0o600 });
  writeFileSync(
    join(work, 'node.yaml'),
    'node_id: e2e-1\nhostname: e2e-1\nrole: worker\nnetwork:\n  interface: eth0\nvolcano:\n  server_url: https://volcano.example.com:8443\n  agent_id: e2e-1\n',
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('rock-image create', () => {
  it('writes an image that passes verification, lists identically with GNU cpio and bsdtar', () => {
    const img = join(work, 'good.img');
    const run = runTool('rock-image', [
      'create',
      ...componentArgs(),
      '--config-key',
      join(work, 'CONFIG_KEY'),
      '--node-config',
      join(work, 'node.yaml'),
      '-o',
      img,
    ]);
    expect(run.stderr).not.toContain('error');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^PASSED: .*good\.img/m);

    const ours = runTool('rock-image', ['ls', img]).stdout.trim().split('\n');
    const gnu = execFileSync('sh', ['-c', `gzip -dc '${img}' | cpio -it --quiet`], { encoding: 'utf8' })
      .trim()
      .split('\n');
    const bsd = execFileSync('bsdtar', ['-tf', img], { encoding: 'utf8' }).trim().split('\n');
    expect(ours).toEqual(gnu);
    expect(ours).toEqual(bsd);
    for (const name of [
      'init',
      'sbin/init',
      'usr/bin/rock-manager',
      'usr/bin/volcano-agent',
      'bin/busybox',
      'bin/sh',
    ]) {
      expect(ours).toContain(name);
    }
    expect(ours).toContain('dev/console');
    expect(ours).toContain('config/CONFIG_KEY');
    // Parents before children, and no name with a ./ or / prefix.
    for (const [i, name] of ours.entries()) {
      expect(name.startsWith('/') || name.startsWith('./')).toBe(false);
      const parent = name.split('/').slice(0, -1).join('/');
      if (parent) expect(ours.indexOf(parent)).toBeLessThan(i);
    }
  });

  it('lays the contract modes and device numbers, as GNU cpio sees them', () => {
    const img = join(work, 'good.img');
    const long = execFileSync('sh', ['-c', `gzip -dc '${img}' | cpio -itv --quiet --numeric-uid-gid`], {
      encoding: 'utf8',
    });
    const line = (name: string) =>
      long
        .split('\n')
        .find((l) => (l.endsWith(` ${name}`) && !l.includes(' -> ')) || l.includes(` ${name} -> `)) ?? '';
    expect(line('sbin/init')).toMatch(/^-rwxr-xr-x\s+1 0\s+0 /);
    expect(line('config/CONFIG_KEY')).toMatch(/^-r-------- /);
    expect(line('config/node.yaml')).toMatch(/^-rw-r--r-- /);
    expect(line('dev/console')).toMatch(/^crw------- .* 5,\s+1 /);
    expect(line('dev/null')).toMatch(/^crw-rw-rw- .* 1,\s+3 /);
    expect(line('bin/sh')).toMatch(/^lrwxrwxrwx .* bin\/sh -> busybox$/);
    expect(line('init')).toMatch(/ init -> sbin\/init$/);
  });

  it('is byte-identical across two builds, and SOURCE_DATE_EPOCH sets every mtime', () => {
    const a = join(work, 'a.img');
    const b = join(work, 'b.img');
    const c = join(work, 'c.img');
    expect(runTool('rock-image', ['create', ...componentArgs(), '-q', '-o', a]).status).toBe(0);
    expect(runTool('rock-image', ['create', ...componentArgs(), '-q', '-o', b]).status).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    // gzip -n semantics: the gzip header's mtime is 0.
    expect(readFileSync(a).subarray(4, 8)).toEqual(Buffer.from([0, 0, 0, 0]));
    const env = { SOURCE_DATE_EPOCH: '1700000000' };
    expect(runTool('rock-image', ['create', ...componentArgs(), '-q', '-o', c], { env }).status).toBe(0);
    const listing = JSON.parse(runTool('rock-image', ['ls', '--json', c]).stdout) as { mtime: number }[];
    expect(new Set(listing.map((e) => e.mtime))).toEqual(new Set([1700000000]));
  });

  it('writes an uncompressed image with --compress none that GNU cpio extracts', () => {
    const img = join(work, 'plain.img');
    expect(
      runTool('rock-image', ['create', ...componentArgs(), '--compress', 'none', '-q', '-o', img]).status,
    ).toBe(0);
    expect(readFileSync(img).subarray(0, 6).toString()).toBe('070701');
    const out = join(work, 'gnu-out');
    execFileSync('sh', ['-c', `mkdir -p '${out}' && cd '${out}' && cpio -idm --quiet < '${img}'`]);
    expect(readFileSync(join(out, 'sbin/init')).equals(readFileSync(join(fx, 'rock-init')))).toBe(true);
  });

  it('refuses a missing component with exit 2, one line naming it, and writes nothing', () => {
    const img = join(work, 'missing.img');
    const args = componentArgs();
    args[args.indexOf('--manager') + 1] = join(work, 'no-such-manager');
    const run = runTool('rock-image', ['create', ...args, '-o', img]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('no-such-manager');
    expect(existsSync(img)).toBe(false);
  });

  it('fails verification with exit 1 and never clobbers the good image already there', () => {
    const img = join(work, 'keep.img');
    expect(runTool('rock-image', ['create', ...componentArgs(), '-q', '-o', img]).status).toBe(0);
    const before = readFileSync(img);
    // An overlay carrying a world-readable CONFIG_KEY: the built image must fail verification.
    const overlay = join(work, 'overlay');
    execFileSync('mkdir', ['-p', join(overlay, 'config')]);
    writeFileSync(join(overlay, 'config', 'CONFIG_KEY'), 'x\n');
    chmodSync(join(overlay, 'config', 'CONFIG_KEY'), 0o644);
    const run = runTool('rock-image', ['create', ...componentArgs(), '--rootfs', overlay, '-q', '-o', img]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('/config/CONFIG_KEY');
    expect(run.stderr).toMatch(/IMAGE_VERIFY_FAILED|failed verification/);
    expect(readFileSync(img).equals(before)).toBe(true);
    expect(readdirSync(work).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('packs a prepared root directory with `cpio create` and verifies it', () => {
    const rootfs = join(work, 'rootfs');
    execFileSync('mkdir', ['-p', rootfs]);
    const unpacked = join(work, 'unpacked');
    expect(runTool('rock-image', ['extract', join(work, 'good.img'), unpacked]).status).toBe(0);
    const img = join(work, 'packed.img');
    const run = runTool('rock-image', ['cpio', 'create', unpacked, '-q', '-o', img]);
    expect(run.status).toBe(0);
    expect(statSync(img).size).toBeGreaterThan(1000);
    const names = (dir: string) => runTool('rock-image', ['ls', dir]).stdout;
    expect(names(img)).toEqual(names(join(work, 'good.img')));
  });

  it('prints pure JSON with --json', () => {
    const img = join(work, 'json.img');
    const run = runTool('rock-image', ['create', ...componentArgs(), '--json', '-o', img]);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { sha256: string; verify: { passed: boolean } };
    expect(result.verify.passed).toBe(true);
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers --help with examples on every command', () => {
    for (const args of [
      ['--help'],
      ['create', '--help'],
      ['cpio', 'create', '--help'],
      ['ls', '--help'],
      ['extract', '--help'],
    ]) {
      const run = runTool('rock-image', args);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/Example/);
    }
    const bad = runTool('rock-image', ['create', '--bogus']);
    expect(bad.status).toBe(2);
  });
});
