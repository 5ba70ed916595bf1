// End to end: the built tools over a table of environment failures (read-only file systems, /proc and
// /sys paths, a file where a directory is expected, a path over PATH_MAX). Each is the user's
// situation, never a bug: exit 2 (never 70) and one line on stderr naming the path.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, repoRoot, runTool } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'rock-envfail-'));
/** A read-only tmpfs, when this machine lets us mount one (root with CAP_SYS_ADMIN). */
const ro = join(work, 'ro');
const vmlinuz = join(repoRoot, '.cache/kernel/vmlinuz');
const key = join(work, 'CONFIG_KEY');
const file = join(work, 'a-file');
const tooLong = `${work}/${'x'.repeat(250)}/`.repeat(20);

function mountReadOnly(): boolean {
  mkdirSync(ro);
  if (process.getuid?.() !== 0) return false;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]).status === 0;
}
const haveReadOnly = mountReadOnly();
/** A kernel store made read-only after one kernel was added (a tmpfs remounted ro). */
const roStore = join(work, 'ro-store');

function readOnlyStore(): void {
  mkdirSync(roStore);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', roStore]);
  const add = runTool('rock-kernel', ['add', vmlinuz, '--name', 'k1', '-q'], { env: { ROCK_HOME: roStore } });
  expect(add.status).toBe(0);
  execFileSync('mount', ['-o', 'remount,ro', roStore]);
}

beforeAll(() => {
  writeFileSync(key, 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n', { mode: 0o600 });
  writeFileSync(file, 'not a directory\n');
  if (haveReadOnly) readOnlyStore();
  mkdirSync(join(work, 'root/etc'), { recursive: true });
  copyFileSync(vmlinuz, join(work, 'vmlinuz'));
});

afterAll(() => {
  if (haveReadOnly) execFileSync('umount', [ro]);
  if (haveReadOnly) execFileSync('umount', [roStore]);
  rmSync(work, { recursive: true, force: true });
});

interface Case {
  name: string;
  tool: string;
  args: () => string[];
  env?: NodeJS.ProcessEnv;
  /** The path the one line must name. */
  path: string;
  /** The errno in words the line must say. */
  words: string;
  readOnly?: boolean;
}

const components = () => componentFlags(fixturesDir());

const cases: Case[] = [
  {
    name: 'rock-kernel add with ROCK_HOME on a read-only file system',
    tool: 'rock-kernel',
    args: () => ['add', vmlinuz],
    env: { ROCK_HOME: ro },
    path: ro,
    words: 'read-only file system',
    readOnly: true,
  },
  {
    name: 'rock-kernel add with ROCK_HOME under /sys',
    tool: 'rock-kernel',
    args: () => ['add', vmlinuz],
    env: { ROCK_HOME: '/sys/kernel/rock-home' },
    path: '/sys/kernel/rock-home',
    words: 'operation not permitted',
  },
  {
    name: 'rock-kernel add with ROCK_HOME below a file',
    tool: 'rock-kernel',
    args: () => ['add', vmlinuz],
    env: { ROCK_HOME: join(file, 'home') },
    path: file,
    words: 'not a directory',
  },
  {
    name: 'rock-kernel add with a config that does not exist',
    tool: 'rock-kernel',
    args: () => ['add', vmlinuz, '--config', join(work, 'no-config')],
    env: { ROCK_HOME: join(work, 'home') },
    path: join(work, 'no-config'),
    words: 'no such file or directory',
  },
  {
    name: 'rock-kernel remove from a store on a read-only file system',
    tool: 'rock-kernel',
    args: () => ['remove', 'k1'],
    env: { ROCK_HOME: roStore },
    path: join(roStore, 'kernels/k1'),
    words: 'read-only file system',
    readOnly: true,
  },
  {
    name: 'rock-kernel default on a store on a read-only file system',
    tool: 'rock-kernel',
    args: () => ['default', 'k1'],
    env: { ROCK_HOME: roStore },
    path: join(roStore, 'kernels/default'),
    words: 'read-only',
    readOnly: true,
  },
  {
    name: 'rock-security rotate --dir of a directory that does not exist',
    tool: 'rock-security',
    args: () => ['rotate', '--key', key, '--dir', '/proc/no-such-dir'],
    path: '/proc/no-such-dir',
    words: 'no such file or directory',
  },
  {
    name: 'rock-image create with the output on a read-only file system',
    tool: 'rock-image',
    args: () => ['create', ...components(), '--config-key', key, '-o', join(ro, 'x.img')],
    path: join(ro, 'x.img'),
    words: 'read-only',
    readOnly: true,
  },
  {
    name: 'rock-image create with a --rootfs below a file',
    tool: 'rock-image',
    args: () => ['create', ...components(), '--rootfs', join(file, 'r'), '-o', join(work, 'x.img')],
    path: join(file, 'r'),
    words: 'not a directory',
  },
  {
    name: 'rock-image cpio create of a missing root',
    tool: 'rock-image',
    args: () => ['cpio', 'create', join(work, 'missing'), '-o', join(work, 'x.img')],
    path: join(work, 'missing'),
    words: 'no such file or directory',
  },
  {
    name: 'rock-image cpio create of a path over PATH_MAX',
    tool: 'rock-image',
    args: () => ['cpio', 'create', tooLong, '-o', join(work, 'x.img')],
    path: work,
    words: 'file name too long',
  },
  {
    name: 'rock-image cpio create with the output under /proc',
    tool: 'rock-image',
    args: () => ['cpio', 'create', join(work, 'root'), '--exact', '-o', '/proc/rock.img'],
    path: '/proc/rock.img',
    words: 'cannot write',
  },
  {
    name: 'rock-security keygen into a read-only file system',
    tool: 'rock-security',
    args: () => ['keygen', '--out', join(ro, 'CONFIG_KEY')],
    path: join(ro, 'CONFIG_KEY'),
    words: 'read-only',
    readOnly: true,
  },
  {
    name: 'rock-security check of a path under /proc that does not exist',
    tool: 'rock-security',
    args: () => ['check', '/proc/no-such-thing'],
    path: '/proc/no-such-thing',
    words: 'no such file or directory',
  },
  {
    name: 'rock-security encrypt into /sys',
    tool: 'rock-security',
    args: () => ['encrypt', file, '--key', key, '-o', '/sys/rock.enc'],
    path: '/sys/rock.enc',
    words: 'cannot write',
  },
  {
    name: 'rock-config generate into a read-only file system',
    tool: 'rock-config',
    args: () => ['generate', '--node-id', 'n1', '-o', join(ro, 'node.yaml')],
    path: join(ro, 'node.yaml'),
    words: 'read-only',
    readOnly: true,
  },
  {
    name: 'rock-config validate of a file below a file',
    tool: 'rock-config',
    args: () => ['validate', join(file, 'node.yaml')],
    path: join(file, 'node.yaml'),
    words: 'not a directory',
  },
];

describe('environment failures are the user’s situation: exit 2, one line naming the path', () => {
  for (const c of cases) {
    it.skipIf(c.readOnly === true && !haveReadOnly)(c.name, () => {
      const run = runTool(c.tool, c.args(), { env: c.env, cwd: work });
      expect(run.stderr).not.toContain('internal error');
      expect(run.status).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(c.path);
      expect(lines[0]).toContain(c.words);
    });
  }
});
