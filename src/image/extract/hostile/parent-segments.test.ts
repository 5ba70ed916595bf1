/**
 * Attack 2: parent segments. node-tar CVE-2021-37713 (`..` checked on a name the filesystem later read
 * differently). Any `..` component is refused after normalising, even one that would stay inside.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractRecords } from '../index.js';
import { dirRecord, fileRecord, sequence } from '../test-support/records.js';
import { caught, makeSandbox, type Sandbox } from '../test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

describe('parent segments', () => {
  it.each(['../x', '../outside/sentinel', 'a/../../x', 'a/..', '..', 'a/b/..', './../x', 'a/./../b'])(
    'refuses %s with PATH_ESCAPE, naming the entry and its offset',
    async (name) => {
      const records = sequence([
        dirRecord('a'),
        fileRecord('first', '1'),
        fileRecord(name, 'pwned'),
        fileRecord('after'),
      ]);
      const error = await caught(() => extractRecords(records, box.root));
      expect(error.code).toBe('PATH_ESCAPE');
      const offset = records[2]!.origin.offset;
      expect(error.message).toBe(
        `0x${offset.toString(16)}: ${JSON.stringify(name)}: expected a path inside the root, got a ".." component`,
      );
      expect(error.data).toMatchObject({ entry: name, offset, segment: 0 });
      // Entries before the bad one were written; extraction stopped there.
      expect(fs.readdirSync(box.root).sort()).toEqual(['a', 'first']);
      box.assertOutsideUnchanged();
    },
  );

  it('positive twin: names that merely contain dots, `.` parts and doubled slashes are fine', async () => {
    const result = await extractRecords(
      [fileRecord('..a', '1'), fileRecord('a..', '2'), fileRecord('d/./b', '3'), fileRecord('d//c/', '4')],
      box.root,
    );
    expect(result.files).toBe(4);
    expect(fs.readFileSync(path.join(box.root, '..a'), 'utf8')).toBe('1');
    expect(fs.readFileSync(path.join(box.root, 'a..'), 'utf8')).toBe('2');
    expect(fs.readFileSync(path.join(box.root, 'd/b'), 'utf8')).toBe('3');
    expect(fs.readFileSync(path.join(box.root, 'd/c'), 'utf8')).toBe('4');
    box.assertOutsideUnchanged();
  });

  it('an entry that resolves to the root may only be a directory (skipped)', async () => {
    const ok = await extractRecords([dirRecord('.'), dirRecord('./'), dirRecord('./.')], box.root);
    expect(ok.directories).toBe(0);
    const error = await caught(() => extractRecords([fileRecord('./.', 'x')], box.root));
    expect(error.code).toBe('PATH_INVALID');
    expect(fs.readdirSync(box.root)).toEqual([]);
    box.assertOutsideUnchanged();
  });
});
