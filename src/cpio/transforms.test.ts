import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMissingParents } from './add-missing-parents.js';
import { assignInodes } from './assign-inodes.js';
import { dedupeLastWins } from './dedupe-last-wins.js';
import { makeReproducible } from './make-reproducible.js';
import { sortForArchive } from './sort-for-archive.js';
import { dir, file, info, symlink } from './test-support/records.js';
import type { WriteEntry } from './types.js';

const names = (entries: WriteEntry[]) => entries.map((e) => e.info.name);

describe('addMissingParents', () => {
  it('adds every missing ancestor, before the first entry under it, with the defaults', () => {
    const out = addMissingParents([file('usr/bin/sh', 'x'), dir('usr'), file('usr/lib/a', 'y')], {
      perm: 0o700,
      mtime: 5,
    });
    expect(names(out)).toEqual(['usr', 'usr/bin', 'usr/bin/sh', 'usr', 'usr/lib', 'usr/lib/a']);
    expect(out[0]!.info).toMatchObject({ type: 'directory', perm: 0o700, mtime: 5, uid: 0, gid: 0, size: 0 });
  });

  it('leaves an ancestor that exists as a symlink alone (the kernel follows it)', () => {
    expect(names(addMissingParents([symlink('lib', 'usr/lib'), file('lib/x', 'x')]))).toEqual([
      'lib',
      'lib/x',
    ]);
  });

  it('does not modify its input', () => {
    const input = [file('a/b', 'x')];
    addMissingParents(input);
    expect(names(input)).toEqual(['a/b']);
  });
});

describe('dedupeLastWins', () => {
  it('keeps the last entry of a name, at the first position', () => {
    const out = dedupeLastWins([
      dir('a', { perm: 0o755 }),
      file('a/x', '1'),
      file('b', 'first'),
      dir('a', { perm: 0o700 }),
      file('b', 'last'),
    ]);
    expect(names(out)).toEqual(['a', 'a/x', 'b']);
    expect(out[0]!.info.perm).toBe(0o700);
    expect(Buffer.from(out[2]!.content as Uint8Array).toString()).toBe('last');
  });
});

describe('sortForArchive', () => {
  it('sorts componentwise and bytewise in UTF-8, parents first, stable', () => {
    const input = ['a.b', 'a/x', 'a', 'B', 'b', '\u{1F600}', '\uFFFD', 'a-b', 'a/x'].map((n, i) =>
      file(n, String(i)),
    );
    const out = sortForArchive(input);
    expect(names(out)).toEqual(['B', 'a', 'a/x', 'a/x', 'a-b', 'a.b', 'b', '\uFFFD', '\u{1F600}']);
    expect(
      out.filter((e) => e.info.name === 'a/x').map((e) => Buffer.from(e.content as Uint8Array).toString()),
    ).toEqual(['1', '8']);
  });
});

describe('assignInodes', () => {
  it('numbers sequentially; a link group shares an ino, nlink = size, data on the last link only', () => {
    const out = assignInodes([
      dir('d'),
      dir('d/sub'),
      file('d/h1', 'data', {}, 'g'),
      file('d/f', 'f'),
      file('d/h2', 'data', {}, 'g'),
      { info: info('d/h3', 'file'), linkGroup: 'g' },
      symlink('d/l', 'x'),
    ]);
    expect(
      out.map((e) => [
        e.info.name,
        e.info.ino,
        e.info.nlink,
        e.info.size,
        e.content === undefined ? null : Buffer.from(e.content as Uint8Array).toString(),
      ]),
    ).toEqual([
      ['d', 1, 3, 0, null],
      ['d/sub', 2, 2, 0, null],
      ['d/h1', 3, 3, 0, null],
      ['d/f', 4, 1, 1, 'f'],
      ['d/h2', 3, 3, 0, null],
      ['d/h3', 3, 3, 4, 'data'],
      ['d/l', 5, 1, 1, null],
    ]);
  });

  it('starts at options.first', () => {
    expect(assignInodes([dir('a'), dir('b')], { first: 0 }).map((e) => e.info.ino)).toEqual([0, 1]);
  });
});

describe('makeReproducible', () => {
  it('clears mtime, owners and the device of the file, keeps rdev and ino', () => {
    const [out] = makeReproducible(
      [
        {
          info: info('dev/null', 'char-device', {
            mtime: 9,
            uid: 5,
            gid: 6,
            devMajor: 8,
            devMinor: 1,
            rdevMajor: 1,
            rdevMinor: 3,
            ino: 4,
          }),
        },
      ],
      { mtime: 7 },
    );
    expect(out!.info).toMatchObject({
      mtime: 7,
      uid: 0,
      gid: 0,
      devMajor: 0,
      devMinor: 0,
      rdevMajor: 1,
      rdevMinor: 3,
      ino: 4,
    });
  });
});

describe('transforms are idempotent', () => {
  const arbEntries = fc
    .array(
      fc.record({
        // Directories use these components; files and links end in their own, so a tree is
        // consistent (nothing lives under a file), as the image builder's input is.
        parts: fc.array(fc.constantFrom('a', 'b', 'é', 'a b'), { minLength: 0, maxLength: 3 }),
        leaf: fc.constantFrom('f', 'g h', 'ü'),
        kind: fc.constantFrom('file', 'dir', 'link'),
        group: fc.option(fc.constantFrom('g1', 'g2'), { nil: undefined }),
        body: fc.string({ maxLength: 8 }),
        mtime: fc.nat(),
      }),
      { maxLength: 20 },
    )
    .map((specs) =>
      specs.map((s): WriteEntry => {
        if (s.kind === 'dir') return dir([...s.parts, 'd'].join('/'), { mtime: s.mtime });
        if (s.kind === 'link')
          return symlink([...s.parts, `l${s.leaf}`].join('/'), s.body || 'x', { mtime: s.mtime });
        return file([...s.parts, s.leaf].join('/'), s.body, { mtime: s.mtime }, s.group);
      }),
    );

  it.each([
    ['addMissingParents', (e: WriteEntry[]) => addMissingParents(e)],
    ['dedupeLastWins', dedupeLastWins],
    ['sortForArchive', sortForArchive],
    ['assignInodes', (e: WriteEntry[]) => assignInodes(e)],
    ['makeReproducible', (e: WriteEntry[]) => makeReproducible(e)],
    [
      'the whole chain',
      (e: WriteEntry[]) =>
        makeReproducible(assignInodes(sortForArchive(addMissingParents(dedupeLastWins(e))))),
    ],
  ])('%s', (_name, transform) => {
    fc.assert(
      fc.property(arbEntries, (entries) => {
        const once = transform(entries);
        expect(transform(once)).toEqual(once);
      }),
    );
  });
});
