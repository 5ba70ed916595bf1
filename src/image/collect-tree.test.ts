import { execFileSync } from 'node:child_process';
import {
  createWriteStream,
  linkSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectTree } from './collect-tree.js';
import { prepareEntries } from './prepare-entries.js';
import { writeArchive } from './write-archive.js';

const isRoot = process.getuid?.() === 0;

/** `root/` + the raw bytes of `rel`, for fs calls on names that are not UTF-8. */
const rawPath = (root: string, rel: Buffer) => Buffer.concat([Buffer.from(`${root}/`), rel]);

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rock-collect-'));
});

// GNU rm, unlike rmSync, removes trees deeper than PATH_MAX.
afterEach(() => execFileSync('rm', ['-rf', root]));

describe('collectTree', () => {
  it('records files, directories and symlinks (never followed) with names relative to the root', () => {
    mkdirSync(join(root, 'etc/rock'), { recursive: true });
    writeFileSync(join(root, 'etc/rock/a.yaml'), 'a: 1\n', { mode: 0o640 });
    symlinkSync('/etc/passwd', join(root, 'etc/link'));
    const byName = new Map(collectTree(root).map((e) => [e.info.name, e]));
    expect([...byName.keys()].sort()).toEqual(['etc', 'etc/link', 'etc/rock', 'etc/rock/a.yaml']);
    expect(byName.get('etc/rock/a.yaml')?.info).toMatchObject({ type: 'file', perm: 0o640, size: 5 });
    expect(byName.get('etc/link')?.info).toMatchObject({
      type: 'symlink',
      linkTarget: '/etc/passwd',
      size: 11,
    });
    expect(byName.get('etc')?.info.type).toBe('directory');
  });

  it('keeps two names of one inode as one hard-link group', () => {
    writeFileSync(join(root, 'a'), 'same');
    linkSync(join(root, 'a'), join(root, 'b'));
    writeFileSync(join(root, 'c'), 'other');
    const entries = collectTree(root);
    const group = (name: string) => entries.find((e) => e.info.name === name)?.linkGroup;
    expect(group('a')).toBeDefined();
    expect(group('a')).toBe(group('b'));
    expect(group('c')).toBeUndefined();
  });

  it.skipIf(!isRoot)('reads device numbers and fifos (as root)', () => {
    execFileSync('mknod', [join(root, 'console'), 'c', '5', '1']);
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const byName = new Map(collectTree(root).map((e) => [e.info.name, e.info]));
    expect(byName.get('console')).toMatchObject({ type: 'char-device', rdevMajor: 5, rdevMinor: 1 });
    expect(byName.get('pipe')?.type).toBe('fifo');
  });

  it('refuses a missing root and a root that is a file, exit 2', () => {
    expect(() => collectTree(join(root, 'nope'))).toThrow(
      expect.objectContaining({ code: 'INPUT_NOT_FOUND', exitCode: 2 }),
    );
    writeFileSync(join(root, 'f'), 'x');
    expect(() => collectTree(join(root, 'f'))).toThrow(
      expect.objectContaining({ code: 'INPUT_NOT_DIRECTORY' }),
    );
  });

  it('carries a name that is not UTF-8 to the archive as its exact bytes (GNU cpio and bsdtar list them)', async () => {
    const bad = Buffer.concat([Buffer.from('bad'), Buffer.of(0xff, 0xfe), Buffer.from('name')]);
    mkdirSync(join(root, 'etc/rock'), { recursive: true });
    writeFileSync(rawPath(root, Buffer.concat([Buffer.from('etc/rock/'), bad])), 'x\n');
    symlinkSync(Buffer.concat([Buffer.from('rock/'), bad]), rawPath(root, Buffer.from('etc/link')));
    const entries = prepareEntries(collectTree(root));
    const image = join(root, '..', `${root.split('/').pop()}.cpio`);
    try {
      await writeArchive(entries, createWriteStream(image), 'none');
      const want = Buffer.concat([Buffer.from('etc/rock/'), bad]);
      const cpioList = execFileSync('cpio', ['-it', '--quiet', '-F', image]);
      expect(cpioList.toString('latin1').split('\n')).toContain(want.toString('latin1'));
      // bsdtar shows a byte that is not printable as its octal escape.
      const tarList = execFileSync('bsdtar', ['-tf', image], { env: { ...process.env, LC_ALL: 'C' } });
      expect(tarList.toString('latin1').split('\n')).toContain('etc/rock/bad\\377\\376name');
      const verbose = execFileSync('cpio', ['-itv', '--quiet', '-F', image]).toString('latin1');
      expect(verbose).toContain(`etc/link -> rock/${bad.toString('latin1')}`);
    } finally {
      rmSync(image, { force: true });
    }
  });

  it('refuses a name longer than PATH_MAX with one line naming the root, not ENAMETOOLONG', () => {
    // Built with relative mkdirs from inside the tree: no single path given to the kernel is too long.
    const part = 'd'.repeat(200);
    execFileSync('bash', [
      '-c',
      `cd "$1" && for i in $(seq 25); do mkdir ${part} && cd ${part}; done`,
      'bash',
      root,
    ]);
    let caught: unknown;
    try {
      collectTree(root);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'CPIO_NAME_TOO_LONG', exitCode: 2 });
    const message = (caught as Error).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith(`${root}: ddd`)).toBe(true);
    expect(message).toContain("expected <= 4096 bytes with the NUL (the kernel's PATH_MAX), got 4221");
  });
});
