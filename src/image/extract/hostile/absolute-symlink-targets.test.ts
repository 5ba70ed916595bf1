/**
 * Attack 5: absolute symlink targets (`bin/sh -> /bin/busybox`). Normal in an initramfs, so they are
 * created verbatim, but never followed: not to write a later entry of the same name, not to write
 * below it, not to set its mtime (lutimes, not utimes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractRecords } from '../index.js';
import { dirRecord, fileRecord, symlinkRecord } from '../test-support/records.js';
import { caught, makeSandbox, type Sandbox } from '../test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

describe('absolute symlink targets', () => {
  it('bin/sh -> /bin/busybox is created verbatim, its own mtime set, the target untouched', async () => {
    const busybox = fs.existsSync('/bin/busybox') ? fs.statSync('/bin/busybox').mtimeMs : undefined;
    const result = await extractRecords(
      [dirRecord('bin'), symlinkRecord('bin/sh', '/bin/busybox', { mtime: 1234 })],
      box.root,
    );
    expect(result.symlinks).toBe(1);
    expect(fs.readlinkSync(path.join(box.root, 'bin/sh'))).toBe('/bin/busybox');
    expect(fs.lstatSync(path.join(box.root, 'bin/sh')).mtimeMs).toBe(1_234_000);
    if (busybox !== undefined) expect(fs.statSync('/bin/busybox').mtimeMs).toBe(busybox);
    box.assertOutsideUnchanged();
  });

  it('a link to the sentinel keeps the sentinel unchanged (mtime and mode are applied to the link only)', async () => {
    await extractRecords([symlinkRecord('s', box.sentinel, { mtime: 5, perm: 0o777 })], box.root);
    expect(fs.lstatSync(path.join(box.root, 's')).mtimeMs).toBe(5000);
    box.assertOutsideUnchanged();
  });

  it('a later file of the same name replaces the link instead of writing through it', async () => {
    const records = [dirRecord('bin'), symlinkRecord('bin/sh', box.sentinel), fileRecord('bin/sh', 'pwned')];
    const result = await extractRecords(records, box.root);
    expect(result).toMatchObject({ symlinks: 1, files: 1 });
    const stats = fs.lstatSync(path.join(box.root, 'bin/sh'));
    expect(stats.isFile()).toBe(true);
    expect(fs.readFileSync(path.join(box.root, 'bin/sh'), 'utf8')).toBe('pwned');
    box.assertOutsideUnchanged();
  });

  it('refuses writing below an absolute link', async () => {
    const records = [symlinkRecord('o', box.outside), fileRecord('o/sentinel', 'pwned')];
    const error = await caught(() => extractRecords(records, box.root));
    expect(error.code).toBe('PATH_ESCAPE');
    box.assertOutsideUnchanged();
  });
});
