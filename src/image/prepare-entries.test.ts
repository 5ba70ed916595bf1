import { describe, expect, it } from 'vitest';
import type { Info, WriteEntry } from '../cpio/index.js';
import { prepareEntries } from './prepare-entries.js';

function entry(name: string, type: Info['type'], perm: number, extra: Partial<Info> = {}): WriteEntry {
  const info: Info = {
    name,
    type,
    perm,
    uid: 1000,
    gid: 1000,
    mtime: 1234,
    ino: 99,
    nlink: 1,
    devMajor: 8,
    devMinor: 1,
    rdevMajor: 0,
    rdevMinor: 0,
    size: 0,
    ...extra,
  };
  return { info };
}

describe('prepareEntries', () => {
  it('gives one record per name even when a parent is declared after its child', () => {
    const out = prepareEntries([
      entry('etc/rock/a.yaml', 'file', 0o644),
      entry('etc', 'directory', 0o700),
      entry('etc/rock', 'directory', 0o750),
    ]);
    expect(out.map((e) => `${e.info.name} ${e.info.perm.toString(8)}`)).toEqual([
      'etc 700',
      'etc/rock 750',
      'etc/rock/a.yaml 644',
    ]);
  });

  it('normalises names, keeps the last of equal names, resets owners, times and device', () => {
    const out = prepareEntries([entry('./bin/x', 'file', 0o755), entry('/bin/x', 'file', 0o700)], {
      mtime: 42,
    });
    expect(
      out.map((e) => [e.info.name, e.info.perm, e.info.uid, e.info.gid, e.info.mtime, e.info.devMajor]),
    ).toEqual([
      ['bin', 0o755, 0, 0, 42, 0],
      ['bin/x', 0o700, 0, 0, 42, 0],
    ]);
  });

  it('numbers inodes in order, the same for the same input', () => {
    const input = [entry('b', 'file', 0o644), entry('a', 'file', 0o644)];
    const first = prepareEntries(input).map((e) => [e.info.name, e.info.ino]);
    expect(first).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(prepareEntries(input).map((e) => [e.info.name, e.info.ino])).toEqual(first);
  });
});
