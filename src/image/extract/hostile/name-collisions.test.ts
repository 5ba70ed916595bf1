/**
 * Attack 8: name collisions. node-tar keyed its directory cache by raw names, so `a\b` vs `a/b`
 * (CVE-2021-37701) or `FOO`/`foo` and NFC/NFD spellings (CVE-2021-37712) fooled it on Windows and macOS. This extractor keys nothing by name
 * (hard-link groups by inode, pending metadata by the created inode) and re-reads the filesystem for
 * every entry, so a collision is simply "last entry wins". On Linux (case-sensitive, no normalisation)
 * each spelling is its own file and a backslash is an ordinary character.
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

describe('name collisions', () => {
  it('a literal backslash is one name, not a path separator', async () => {
    const result = await extractRecords([fileRecord('a\\b', '1'), fileRecord('..\\..\\x', '2')], box.root);
    expect(result.files).toBe(2);
    expect(fs.readdirSync(box.root).sort()).toEqual(['..\\..\\x', 'a\\b']);
    box.assertOutsideUnchanged();
  });

  it('FOO/foo, ß/ss, ﬁ/fi and NFC/NFD spellings each get their own file here', async () => {
    const names = ['FOO', 'foo', 'ß', 'ss', '\ufb01', 'fi', 'caf\u00e9', 'cafe\u0301'];
    const records = names.map((name, index) => fileRecord(name, String(index)));
    await extractRecords(records, box.root);
    for (const [index, name] of names.entries()) {
      expect(fs.readFileSync(path.join(box.root, name), 'utf8')).toBe(String(index));
    }
    box.assertOutsideUnchanged();
  });

  it('a colliding symlink spelling cannot redirect a later entry (each entry re-walks)', async () => {
    const records = [dirRecord('Etc'), symlinkRecord('etc', box.outside), fileRecord('Etc/passwd', 'ok')];
    await extractRecords(records, box.root);
    expect(fs.readFileSync(path.join(box.root, 'Etc/passwd'), 'utf8')).toBe('ok');
    const error = await caught(() => extractRecords([fileRecord('etc/passwd', 'pwned')], box.root));
    expect(error.code).toBe('PATH_ESCAPE');
    box.assertOutsideUnchanged();
  });

  it('refuses a NUL inside a name (the filesystem would cut it short)', async () => {
    const error = await caught(() =>
      extractRecords([fileRecord('ok\0/../../outside/sentinel', 'x')], box.root),
    );
    expect(error.code).toBe('PATH_INVALID');
    expect(fs.readdirSync(box.root)).toEqual([]);
    box.assertOutsideUnchanged();
  });
});
