/**
 * Attack 1: absolute names. node-tar stripped only one leading `/` (CVE-2021-32804: `////etc/x`); the
 * kernel's initramfs.c simply creates names relative to its root. Every leading `/` is stripped, any
 * number of times, before anything else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExtractWarning, extractRecords } from '../index.js';
import { dirRecord, fileRecord } from '../test-support/records.js';
import { caught, makeSandbox, type Sandbox } from '../test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

describe('absolute names', () => {
  it.each(['/', '//', '////'])('%s + an absolute path to outside/ lands under the root', async (slashes) => {
    const target = `${slashes}${box.outside.slice(1)}/pwned`;
    const warnings: ExtractWarning[] = [];
    const result = await extractRecords([fileRecord(target, 'x')], box.root, {
      onWarning: (w) => warnings.push(w),
    });

    expect(result.files).toBe(1);
    const relative = `${box.outside.slice(1)}/pwned`;
    expect(fs.readFileSync(path.join(box.root, relative), 'utf8')).toBe('x');
    expect(fs.existsSync(path.join(box.outside, 'pwned'))).toBe(false);
    expect(warnings.filter((w) => w.code === 'PATH_STRIPPED')).toEqual([
      { code: 'PATH_STRIPPED', path: relative, message: `removed leading "${slashes}" from "${target}"` },
    ]);
    box.assertOutsideUnchanged();
  });

  it('never touches the real /etc', async () => {
    const name = `rock-hostile-${process.pid}`;
    await extractRecords([fileRecord(`////etc/${name}`, 'x')], box.root);
    expect(fs.existsSync(`/etc/${name}`)).toBe(false);
    expect(fs.readFileSync(path.join(box.root, 'etc', name), 'utf8')).toBe('x');
    box.assertOutsideUnchanged();
  });

  it('refuses `..` once the roots are stripped (/../x)', async () => {
    const error = await caught(() =>
      extractRecords([fileRecord('///../outside/sentinel', 'pwned')], box.root),
    );
    expect(error.code).toBe('PATH_ESCAPE');
    expect(error.message).toBe(
      '0x0: "///../outside/sentinel": expected a path inside the root, got a ".." component',
    );
    expect(fs.readdirSync(box.root)).toEqual([]);
    box.assertOutsideUnchanged();
  });

  it('positive twin: the same relative name extracts without a warning', async () => {
    const warnings: ExtractWarning[] = [];
    await extractRecords([fileRecord('etc/x', 'x')], box.root, { onWarning: (w) => warnings.push(w) });
    expect(fs.readFileSync(path.join(box.root, 'etc/x'), 'utf8')).toBe('x');
    expect(warnings.map((w) => w.code)).toEqual(['MISSING_PARENT']);
    box.assertOutsideUnchanged();
  });

  it('`/` alone may only be a directory: skipped as one, refused as a file', async () => {
    const skipped = await extractRecords([dirRecord('/'), dirRecord('//', { perm: 0o700 })], box.root);
    expect(skipped.directories).toBe(0);
    expect(fs.statSync(box.root).mode & 0o777).toBe(0o755);

    const error = await caught(() => extractRecords([fileRecord('//', 'x')], box.root));
    expect(error.code).toBe('PATH_INVALID');
    expect(error.message).toBe('0x0: "//": expected only a directory to name the root, got a file');
    box.assertOutsideUnchanged();
  });
});
