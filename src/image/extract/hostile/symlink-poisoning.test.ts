/**
 * Attack 3: symlink poisoning. node-tar CVE-2021-32803: a directory `x`, then a symlink `x -> /tmp/out`
 * (or `x -> ..`) replacing it, then `x/y` written through the link because a cache said "x is a
 * directory". Here every entry re-walks its parents with lstat and refuses any symlink on the way.
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

describe('symlink poisoning', () => {
  it.each([
    ['an absolute target outside', () => box.outside],
    ['..', () => '..'],
    ['../outside', () => '../outside'],
  ])('dir x, then x -> %s, then x/y is refused', async (_label, target) => {
    const records = [dirRecord('x'), symlinkRecord('x', target()), fileRecord('x/sentinel', 'pwned')];
    const error = await caught(() => extractRecords(records, box.root));
    expect(error.code).toBe('PATH_ESCAPE');
    expect(error.message).toBe('0x0: "x/sentinel": parent "x": expected a directory, got a symlink');
    expect(fs.readlinkSync(path.join(box.root, 'x'))).toBe(target());
    expect(fs.existsSync(path.join(box.base, 'sentinel'))).toBe(false);
    box.assertOutsideUnchanged();
  });

  it('refuses writing through an in-root symlink too (strict: no symlink component at all)', async () => {
    const records = [
      dirRecord('usr'),
      dirRecord('usr/lib'),
      symlinkRecord('lib', 'usr/lib'),
      fileRecord('lib/x', '1'),
    ];
    const error = await caught(() => extractRecords(records, box.root));
    expect(error.code).toBe('PATH_ESCAPE');
    expect(fs.readdirSync(path.join(box.root, 'usr/lib'))).toEqual([]);
    box.assertOutsideUnchanged();
  });

  it('refuses a directory record under a symlink as well', async () => {
    const error = await caught(() =>
      extractRecords([symlinkRecord('x', box.outside), dirRecord('x/d')], box.root),
    );
    expect(error.code).toBe('PATH_ESCAPE');
    box.assertOutsideUnchanged();
  });

  it('positive twin: an in-root symlink is still created, and its real path is writable', async () => {
    const records = [
      dirRecord('usr'),
      dirRecord('usr/lib'),
      symlinkRecord('lib', 'usr/lib'),
      fileRecord('usr/lib/x', '1'),
    ];
    const result = await extractRecords(records, box.root);
    expect(result).toMatchObject({ directories: 2, symlinks: 1, files: 1 });
    expect(fs.readlinkSync(path.join(box.root, 'lib'))).toBe('usr/lib');
    expect(fs.readFileSync(path.join(box.root, 'lib/x'), 'utf8')).toBe('1');
    box.assertOutsideUnchanged();
  });

  it('positive twin: a symlink pointing outside is created verbatim and left alone', async () => {
    await extractRecords([dirRecord('x'), symlinkRecord('x', box.outside)], box.root);
    expect(fs.readlinkSync(path.join(box.root, 'x'))).toBe(box.outside);
    box.assertOutsideUnchanged();
  });
});
