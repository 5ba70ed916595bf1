// End to end: the design document's own commands, typed as written. Default output names, and
// `rock-image cpio create` of a rootfs laid out as the document lays it (no device nodes, no /init,
// no applet links: what a user who is not root can make), then `rock-verify integration`.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, runTool } from '../support/cli.js';

let work: string;
const KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rock-design-'));
  writeFileSync(join(work, 'CONFIG_KEY'), KEY, { mode: 0o600 });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('default outputs', () => {
  it('rock-image create writes image.cpio.gz (image.cpio.zst with --compress zstd), which rock-verify passes', () => {
    const dir = join(work, 'defaults');
    mkdirSync(dir);
    const base = ['create', ...componentFlags(fixturesDir()), '--config-key', join(work, 'CONFIG_KEY'), '-q'];
    expect(runTool('rock-image', base, { cwd: dir }).status).toBe(0);
    expect(runTool('rock-image', [...base, '--compress', 'zstd'], { cwd: dir }).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['image.cpio.gz', 'image.cpio.zst']);
    expect(runTool('rock-verify', ['integration', 'image.cpio.gz'], { cwd: dir }).status).toBe(0);
    expect(runTool('rock-verify', ['integration', 'image.cpio.zst'], { cwd: dir }).status).toBe(0);
  });

  it('--help of create and cpio create says so', () => {
    for (const args of [
      ['create', '--help'],
      ['cpio', 'create', '--help'],
    ]) {
      expect(runTool('rock-image', args).stdout).toContain('default image.cpio.gz');
    }
  });
});

/** A rootfs as the design lays it, made without root: four components, /bin/sh -> busybox, the key. */
function designRootfs(dir: string, keyMode = 0o600): string {
  const fx = fixturesDir();
  for (const d of ['sbin', 'usr/bin', 'bin', 'config']) mkdirSync(join(dir, d), { recursive: true });
  for (const [from, to] of [
    ['rock-init', 'sbin/init'],
    ['rock-manager', 'usr/bin/rock-manager'],
    ['volcano-agent', 'usr/bin/volcano-agent'],
    ['busybox', 'bin/busybox'],
  ] as const) {
    copyFileSync(join(fx, from), join(dir, to));
    chmodSync(join(dir, to), 0o755);
  }
  symlinkSync('busybox', join(dir, 'bin/sh'));
  writeFileSync(join(dir, 'config/CONFIG_KEY'), KEY);
  chmodSync(join(dir, 'config/CONFIG_KEY'), keyMode);
  return dir;
}

describe('rock-image cpio create of the design rootfs', () => {
  it('as written: `rock-image cpio create ./rootfs` then `rock-verify integration image.cpio.gz`', () => {
    const dir = join(work, 'pipeline');
    mkdirSync(dir);
    designRootfs(join(dir, 'rootfs'));
    const create = runTool('rock-image', ['cpio', 'create', './rootfs'], { cwd: dir });
    expect(create.status).toBe(0);
    const notice = create.stderr
      .split('\n')
      .find((l) => l.startsWith('rock-image: added what the contract derives'));
    expect(notice).toContain('device nodes (as archive records)');
    expect(notice).toContain('/init');
    expect(notice).toContain('/bin/ls');
    expect(notice).not.toContain('/bin/sh ');
    const verify = runTool('rock-verify', ['integration', 'image.cpio.gz'], { cwd: dir });
    expect(verify.stdout).toMatch(/PASSED/);
    expect(verify.status).toBe(0);
  });

  it('--exact packs the tree as it is, which then fails verification (exit 1, nothing written)', () => {
    const dir = join(work, 'exact');
    mkdirSync(dir);
    designRootfs(join(dir, 'rootfs'));
    const run = runTool('rock-image', ['cpio', 'create', './rootfs', '--exact', '-q'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('added what the contract derives');
    expect(existsSync(join(dir, 'image.cpio.gz'))).toBe(false);
  });

  it('fails only on what it cannot supply: a missing component, a key with the wrong mode (exit 2)', () => {
    const dir = join(work, 'lacking');
    mkdirSync(dir);
    const rootfs = designRootfs(join(dir, 'rootfs'));
    rmSync(join(rootfs, 'usr/bin/volcano-agent'));
    const missing = runTool('rock-image', ['cpio', 'create', rootfs], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `rock-image: ${rootfs}/usr/bin/volcano-agent: expected volcano-agent as a regular file, found nothing; cpio create cannot supply a component (rock-image create lays them from files)\n`,
    );
    const loose = designRootfs(join(dir, 'loose'), 0o644);
    const key = runTool('rock-image', ['cpio', 'create', loose], { cwd: dir });
    expect(key.status).toBe(2);
    expect(key.stderr).toBe(
      `rock-image: ${loose}/config/CONFIG_KEY: mode: expected 0400 or 0600, found 0644 (chmod 600 ${loose}/config/CONFIG_KEY)\n`,
    );
  });

  it('an empty root is refused without naming a flag cpio create does not have', () => {
    mkdirSync(join(work, 'empty'));
    const run = runTool('rock-image', ['cpio', 'create', join(work, 'empty')], { cwd: work });
    expect(run.status).toBe(2);
    expect(run.stderr).not.toMatch(/--(init|manager|agent|busybox)\b/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
