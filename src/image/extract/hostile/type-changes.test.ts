/**
 * Attack 7: type changes on one name (file -> dir -> symlink -> file). node-tar's cache believed an
 * earlier type. Every entry re-checks the filesystem; the deferred mode/mtime of a replaced inode must
 * not land on whatever replaced it (a directory's chmod through a symlink would change the outside).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractRecords } from '../index.js';
import { deviceRecord, dirRecord, fileRecord, symlinkRecord } from '../test-support/records.js';
import { caught, makeSandbox, type Sandbox } from '../test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

describe('type changes on one name', () => {
  it('file -> dir -> symlink -> file ends as the last file, outside untouched', async () => {
    const records = [
      fileRecord('x', 'one', { perm: 0o600 }),
      dirRecord('x', { perm: 0o500, mtime: 1 }),
      symlinkRecord('x', box.outside, { mtime: 2 }),
      fileRecord('x', 'last', { perm: 0o640, mtime: 3 }),
    ];
    const result = await extractRecords(records, box.root);
    expect(result).toMatchObject({ files: 2, directories: 1, symlinks: 1 });
    const stats = fs.lstatSync(path.join(box.root, 'x'));
    expect(stats.isFile()).toBe(true);
    expect(stats.mode & 0o7777).toBe(0o640);
    expect(stats.mtimeMs).toBe(3000);
    expect(fs.readFileSync(path.join(box.root, 'x'), 'utf8')).toBe('last');
    box.assertOutsideUnchanged();
  });

  it("a directory's deferred 0500 mode is not applied through the symlink that replaced it", async () => {
    const records = [dirRecord('x', { perm: 0o500, mtime: 1 }), symlinkRecord('x', box.outside)];
    await extractRecords(records, box.root);
    expect(fs.readlinkSync(path.join(box.root, 'x'))).toBe(box.outside);
    expect(fs.statSync(box.outside).mode & 0o7777).toBe(0o755);
    box.assertOutsideUnchanged();
  });

  it.runIf(process.getuid?.() === 0)(
    'a FIFO link replaced by a symlink to the sentinel: its mode stays off the sentinel',
    async () => {
      // Two links keep the FIFO inode alive, so the symlink cannot reuse its inode number and the
      // FIFO's pending mode must find "p" holding another inode and fall back to "q".
      const fifo = { perm: 0o4777, mtime: 1, ino: 21, nlink: 2 };
      const records = [
        deviceRecord('q', 'fifo', 0, 0, fifo),
        deviceRecord('p', 'fifo', 0, 0, fifo),
        symlinkRecord('p', box.sentinel),
      ];
      const result = await extractRecords(records, box.root, { preserveSpecialBits: true });
      expect(result).toMatchObject({ devices: 1, hardlinks: 1, symlinks: 1 });
      expect(fs.readlinkSync(path.join(box.root, 'p'))).toBe(box.sentinel);
      const q = fs.lstatSync(path.join(box.root, 'q'));
      expect(q.isFIFO()).toBe(true);
      expect(q.mode & 0o7777).toBe(0o4777);
      expect(q.mtimeMs).toBe(1000);
      box.assertOutsideUnchanged();
    },
  );

  it('dir -> symlink, then a file below it is refused', async () => {
    const records = [dirRecord('x'), symlinkRecord('x', box.outside), fileRecord('x/sentinel', 'pwned')];
    const error = await caught(() => extractRecords(records, box.root));
    expect(error.code).toBe('PATH_ESCAPE');
    box.assertOutsideUnchanged();
  });

  it('refuses a file replacing a non-empty directory', async () => {
    const records = [dirRecord('x'), fileRecord('x/keep', 'k'), fileRecord('x', 'file')];
    const error = await caught(() => extractRecords(records, box.root));
    expect(error.code).toBe('EXTRACT_CONFLICT');
    expect(error.message).toBe('0x0: "x": expected a name free for a file, got a non-empty directory');
    expect(fs.readFileSync(path.join(box.root, 'x/keep'), 'utf8')).toBe('k');
    box.assertOutsideUnchanged();
  });

  it('refuses a parent that is a file', async () => {
    const error = await caught(() =>
      extractRecords([fileRecord('x', 'f'), fileRecord('x/y', 'y')], box.root),
    );
    expect(error.code).toBe('EXTRACT_CONFLICT');
    expect(error.message).toBe('0x0: "x/y": parent "x": expected a directory, got a file');
  });

  it('positive twin: an empty directory may be replaced, and a directory listed twice is kept', async () => {
    const records = [
      dirRecord('e'),
      symlinkRecord('e', 'target'),
      dirRecord('d'),
      fileRecord('d/f', 'f'),
      dirRecord('d'),
    ];
    const result = await extractRecords(records, box.root);
    expect(result.directories).toBe(3);
    expect(fs.readlinkSync(path.join(box.root, 'e'))).toBe('target');
    expect(fs.readFileSync(path.join(box.root, 'd/f'), 'utf8')).toBe('f');
    box.assertOutsideUnchanged();
  });
});
