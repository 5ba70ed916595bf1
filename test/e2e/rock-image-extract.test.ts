// rock-image extract on archives GNU cpio writes: a 1,990-deep tree (the same tree `cpio -id` makes, and a
// failed run that leaves nothing at any depth), and --preserve-owners / --preserve-setid as root.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runTool } from '../support/cli.js';

const isRoot = process.getuid?.() === 0;
const hasUnshare = ['/usr/bin/unshare', '/bin/unshare'].some((p) => fs.existsSync(p));
let work: string;

/** An archive GNU cpio writes from `tree` (newc, names in `find` order: parents first). */
function cpioArchive(tree: string): Buffer {
  const list = execFileSync('sh', ['-c', 'cd "$1" && find . -mindepth 1', 'sh', tree], {
    maxBuffer: 1 << 28,
  });
  return execFileSync('cpio', ['-o', '-H', 'newc', '--quiet'], {
    cwd: tree,
    input: list,
    maxBuffer: 1 << 28,
  });
}

/** Every path below `dir` with its type and mode, as find(1) sees them (it walks any depth). */
function listing(dir: string): string {
  return execFileSync(
    'sh',
    ['-c', 'cd "$1" && find . -mindepth 1 -printf "%y %m %s %p\\n" | sort', 'sh', dir],
    {
      maxBuffer: 1 << 28,
    },
  ).toString();
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-image-extract-'));
});
afterAll(() => execFileSync('rm', ['-rf', work]));

describe('rock-image extract: depth', () => {
  let image: string;
  /** What `cpio -id` makes of the image. */
  let gnu: string;
  beforeAll(() => {
    // 1,990 nested directories with a file in each, made and archived by the real tools (relative
    // paths: the deepest full path is over PATH_MAX).
    const tree = path.join(work, 'deep-tree');
    fs.mkdirSync(tree);
    execFileSync('sh', [
      '-c',
      'cd "$1" && for i in $(seq 1990); do mkdir d && cd d && echo x > f; done',
      'sh',
      tree,
    ]);
    image = path.join(work, 'deep.cpio');
    fs.writeFileSync(image, cpioArchive(tree));
    gnu = path.join(work, 'deep-gnu');
    fs.mkdirSync(gnu);
    execFileSync('cpio', ['-id', '--quiet'], { cwd: gnu, input: fs.readFileSync(image) });
  });

  it('1,990 levels: the same tree as `cpio -id`', () => {
    const ours = path.join(work, 'deep-ours');
    const run = runTool('rock-image', ['extract', image, ours]);
    expect(run.status, run.stderr).toBe(0);
    const expected = listing(gnu);
    expect(expected.split('\n').filter((l) => l.endsWith('/f')).length).toBe(1990);
    expect(listing(ours)).toBe(expected);
  });

  // Without procfs (no /proc/self/fd) the extractor falls back to full paths: same tree.
  it.runIf(isRoot && hasUnshare)('1,990 levels without /proc mounted: the same tree as `cpio -id`', () => {
    const ours = path.join(work, 'deep-noproc');
    const tool = path.join(repoRoot, 'dist', 'bin', 'rock-image.js');
    execFileSync('unshare', [
      '-m',
      'sh',
      '-c',
      'umount -l /proc && exec "$0" "$@"',
      process.execPath,
      tool,
      'extract',
      image,
      ours,
    ]);
    expect(listing(ours)).toBe(listing(gnu));
  });

  it('1,990 levels cut short into a missing DIR: exit 2 naming the archive, nothing is left', () => {
    const cut = path.join(work, 'deep-cut.cpio');
    const whole = fs.readFileSync(image);
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 2000));
    const out = path.join(work, 'deep-never');
    const run = runTool('rock-image', ['extract', cut, out]);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^rock-image: deep-cut\.cpio:0x[0-9a-f]+: /);
    expect(fs.readdirSync(work).filter((n) => n.includes('deep-never'))).toEqual([]);
  });
});

describe.runIf(isRoot)('rock-image extract: owners and setuid/setgid (as root)', () => {
  let image: string;
  beforeAll(() => {
    const tree = path.join(work, 'owned-tree');
    fs.mkdirSync(path.join(tree, 'g'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'su'), '#!/bin/sh\n');
    fs.symlinkSync('su', path.join(tree, 'link'));
    execFileSync('chown', ['1234:4321', path.join(tree, 'su')]);
    execFileSync('chown', ['-h', '1235:4322', path.join(tree, 'link')]);
    execFileSync('chown', ['1236:4323', path.join(tree, 'g')]);
    fs.chmodSync(path.join(tree, 'su'), 0o4755);
    fs.chmodSync(path.join(tree, 'g'), 0o2775);
    image = path.join(work, 'owned.cpio');
    fs.writeFileSync(image, cpioArchive(tree));
  });

  const owner = (file: string) => {
    const stats = fs.lstatSync(file);
    return `${stats.uid}:${stats.gid} ${(stats.mode & 0o7777).toString(8)}`;
  };

  it('--preserve-owners --preserve-setid: the archive uid/gid and the setuid/setgid bits', () => {
    const out = path.join(work, 'owned-kept');
    const run = runTool('rock-image', ['extract', '--preserve-owners', '--preserve-setid', image, out]);
    expect(run.status, run.stderr).toBe(0);
    expect(owner(path.join(out, 'su'))).toBe('1234:4321 4755');
    expect(owner(path.join(out, 'g'))).toBe('1236:4323 2775');
    expect(owner(path.join(out, 'link')).split(' ')[0]).toBe('1235:4322');
  });

  it("by default: everything is the caller's and setuid/setgid are stripped", () => {
    const out = path.join(work, 'owned-default');
    const run = runTool('rock-image', ['extract', image, out]);
    expect(run.status, run.stderr).toBe(0);
    expect(owner(path.join(out, 'su'))).toBe('0:0 755');
    expect(owner(path.join(out, 'g'))).toBe('0:0 775');
    expect(owner(path.join(out, 'link')).split(' ')[0]).toBe('0:0');
  });
});
