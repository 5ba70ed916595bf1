/**
 * Attack 9: drive-relative names. node-tar CVE-2021-37713: `C:../x` passed the `..` check (the first
 * component was `C:..`) and Windows then resolved it relative to the drive's cwd. Roots, drive prefixes
 * included, are stripped before the `..` test, even on Linux.
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

describe('drive-relative names', () => {
  it.each(['C:../x', 'c:../outside/sentinel', 'C:C:../x', './C:/../x', '/D:..'])(
    'refuses %s',
    async (name) => {
      const error = await caught(() => extractRecords([fileRecord(name, 'pwned')], box.root));
      expect(error.code).toBe('PATH_ESCAPE');
      expect(error.message).toBe(
        `0x0: ${JSON.stringify(name)}: expected a path inside the root, got a ".." component`,
      );
      expect(fs.readdirSync(box.root)).toEqual([]);
      box.assertOutsideUnchanged();
    },
  );

  it('positive twin: C:/etc/x and c:x stay inside, with a PATH_STRIPPED warning', async () => {
    const warnings: ExtractWarning[] = [];
    await extractRecords([dirRecord('etc'), fileRecord('C:/etc/x', '1'), fileRecord('c:y', '2')], box.root, {
      onWarning: (w) => warnings.push(w),
    });
    expect(fs.readFileSync(path.join(box.root, 'etc/x'), 'utf8')).toBe('1');
    expect(fs.readFileSync(path.join(box.root, 'y'), 'utf8')).toBe('2');
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['PATH_STRIPPED', 'etc/x'],
      ['PATH_STRIPPED', 'y'],
    ]);
    box.assertOutsideUnchanged();
  });

  it('a colon elsewhere is an ordinary character', async () => {
    await extractRecords([fileRecord('ab:c', '1'), fileRecord('d/C:x', '2')], box.root);
    expect(fs.readFileSync(path.join(box.root, 'ab:c'), 'utf8')).toBe('1');
    expect(fs.readFileSync(path.join(box.root, 'd/C:x'), 'utf8')).toBe('2');
  });
});
