/**
 * Attack 6: hard links keyed by (ino, maj:min, type, nlink >= 2), as the kernel's `maybe_link()` does.
 * node-tar CVE-2018-20834: a hard link and a symlink of one name sent writes to an outside file; the kernel frees its
 * link hash at each trailer, so groups never span segments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractRecords } from '../index.js';
import {
  deviceRecord,
  dirRecord,
  fileRecord,
  hardlinkRecords,
  symlinkRecord,
} from '../test-support/records.js';
import { caught, makeSandbox, type Sandbox } from '../test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

const inode = (name: string) => fs.lstatSync(path.join(box.root, name)).ino;

describe('hard links', () => {
  it('refuses a group whose first path was replaced by a symlink to an outside file', async () => {
    const [a, b] = hardlinkRecords(['a', 'b'], 'pwned', { ino: 7 });
    const error = await caught(() => extractRecords([a!, symlinkRecord('a', box.sentinel), b!], box.root));
    expect(error.code).toBe('PATH_ESCAPE');
    expect(error.message).toBe('0x0: "b": hard link to "a": expected a file, got a symlink');
    expect(fs.existsSync(path.join(box.root, 'b'))).toBe(false);
    box.assertOutsideUnchanged();
  });

  it('refuses a group whose first path was moved below a symlink mid-run', async () => {
    const [a, b] = hardlinkRecords(['d/a', 'b'], 'pwned', { ino: 8 });
    const root = box.root;
    const outside = box.outside;
    async function* records() {
      yield dirRecord('d');
      yield a!;
      // Another process swaps the directory for a symlink between two records.
      fs.renameSync(path.join(root, 'd'), path.join(root, 'moved'));
      fs.symlinkSync(outside, path.join(root, 'd'));
      yield b!;
    }
    const error = await caught(() => extractRecords(records(), root));
    expect(error.code).toBe('PATH_ESCAPE');
    expect(error.message).toBe('0x0: "b": hard link to "d/a": expected directory "d", got a symlink');
    box.assertOutsideUnchanged();
  });

  it('refuses a group whose first path is now a directory', async () => {
    const [a, b] = hardlinkRecords(['a', 'b'], 'two', { ino: 9 });
    const error = await caught(() => extractRecords([a!, dirRecord('a'), b!], box.root));
    expect(error.code).toBe('EXTRACT_CONFLICT');
    expect(error.message).toBe('0x0: "b": hard link to "a": expected a file, got a directory');
    expect(fs.existsSync(path.join(box.root, 'b'))).toBe(false);
    box.assertOutsideUnchanged();
  });

  it('links to the file that replaced the first path, as the kernel (which finds links by name) does', async () => {
    const [a, b] = hardlinkRecords(['a', 'b'], 'two', { ino: 9 });
    const result = await extractRecords([a!, fileRecord('a', 'other'), b!], box.root);
    expect(result).toMatchObject({ files: 2, hardlinks: 1 });
    expect(inode('a')).toBe(inode('b'));
    expect(fs.readFileSync(path.join(box.root, 'a'), 'utf8')).toBe('two');
    box.assertOutsideUnchanged();
  });

  it('positive twin: a legitimate group shares one inode, data on the last link (GNU cpio)', async () => {
    const records = hardlinkRecords(['a', 'sub/b', 'c'], 'shared', { ino: 10, perm: 0o640, mtime: 77 });
    const result = await extractRecords([dirRecord('sub'), ...records], box.root);
    expect(result).toMatchObject({ files: 1, hardlinks: 2 });
    expect(inode('a')).toBe(inode('sub/b'));
    expect(inode('a')).toBe(inode('c'));
    const stats = fs.statSync(path.join(box.root, 'a'));
    expect(stats.nlink).toBe(3);
    expect(stats.mode & 0o7777).toBe(0o640);
    expect(stats.mtimeMs).toBe(77_000);
    expect(fs.readFileSync(path.join(box.root, 'a'), 'utf8')).toBe('shared');
    box.assertOutsideUnchanged();
  });

  it('data on the first link is kept when the later links carry none', async () => {
    const records = hardlinkRecords(['a', 'b'], 'first', { ino: 11, dataOn: 'first' });
    await extractRecords(records, box.root);
    expect(inode('a')).toBe(inode('b'));
    expect(fs.readFileSync(path.join(box.root, 'b'), 'utf8')).toBe('first');
  });

  it('never links to a directory: a file sharing a directory inode is its own file', async () => {
    const records = [dirRecord('d', { ino: 12, nlink: 2 }), dirRecord('e', { ino: 12, nlink: 2 })];
    records.push(fileRecord('f', 'file', { ino: 12, nlink: 2 }));
    const result = await extractRecords(records, box.root);
    expect(result).toMatchObject({ directories: 2, files: 1, hardlinks: 0 });
    expect(new Set([inode('d'), inode('e'), inode('f')]).size).toBe(3);
    expect(fs.readFileSync(path.join(box.root, 'f'), 'utf8')).toBe('file');
    box.assertOutsideUnchanged();
  });

  it('inode collisions across types are not links', async () => {
    const records = [
      fileRecord('f', 'file', { ino: 13, nlink: 2 }),
      symlinkRecord('s', 'f', { ino: 13, nlink: 2 }),
      deviceRecord('p', 'fifo', 0, 0, { ino: 13, nlink: 2 }),
      fileRecord('g', 'second', { ino: 13, nlink: 2 }),
    ];
    const result = await extractRecords(records, box.root, { devices: process.getuid?.() === 0 });
    expect(result.hardlinks).toBe(1);
    expect(fs.lstatSync(path.join(box.root, 's')).isSymbolicLink()).toBe(true);
    expect(inode('s')).not.toBe(inode('f'));
    expect(inode('g')).toBe(inode('f'));
    if (process.getuid?.() === 0) {
      expect(fs.lstatSync(path.join(box.root, 'p')).isFIFO()).toBe(true);
      expect(inode('p')).not.toBe(inode('f'));
    }
  });

  it('groups split by a trailer (a new segment) are separate files', async () => {
    const [a] = hardlinkRecords(['a'], 'one', { ino: 14, nlink: 2, segment: 0 });
    const [b] = hardlinkRecords(['b'], 'two', { ino: 14, nlink: 2, segment: 1 });
    const result = await extractRecords([a!, b!], box.root);
    expect(result).toMatchObject({ files: 2, hardlinks: 0 });
    expect(inode('a')).not.toBe(inode('b'));
    expect(fs.readFileSync(path.join(box.root, 'a'), 'utf8')).toBe('one');
    expect(fs.readFileSync(path.join(box.root, 'b'), 'utf8')).toBe('two');
  });

  it('positive twin: a group within one later segment is still linked', async () => {
    const records = hardlinkRecords(['a', 'b'], 'x', { ino: 15, segment: 2 });
    const result = await extractRecords(records, box.root);
    expect(result.hardlinks).toBe(1);
    expect(inode('a')).toBe(inode('b'));
  });

  it('refuses a hard-link name with `..` before linking anything', async () => {
    const records = hardlinkRecords(['a', '../outside/sentinel'], 'pwned', { ino: 16 });
    const error = await caught(() => extractRecords(records, box.root));
    expect(error.code).toBe('PATH_ESCAPE');
    box.assertOutsideUnchanged();
  });

  it('a later member replaces a planted hard link to an outside file instead of writing into it', async () => {
    fs.mkdirSync(box.root, { recursive: true });
    fs.linkSync(box.sentinel, path.join(box.root, 'b'));
    const records = hardlinkRecords(['a', 'b'], 'pwned', { ino: 17 });
    await extractRecords(records, box.root);
    expect(inode('b')).toBe(inode('a'));
    expect(fs.readFileSync(path.join(box.root, 'b'), 'utf8')).toBe('pwned');
    box.assertOutsideUnchanged();
  });
});
