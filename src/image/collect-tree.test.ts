import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectTree } from './collect-tree.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rock-collect-'));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

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

  it('reads device numbers and fifos (as root)', () => {
    if (process.getuid?.() !== 0) return;
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
});
