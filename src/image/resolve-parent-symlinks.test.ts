import { describe, expect, it } from 'vitest';
import type { Info, WriteEntry } from '../cpio/index.js';
import { resolveParentSymlinks } from './resolve-parent-symlinks.js';

function e(name: string, type: Info['type'] = 'file', linkTarget?: string): WriteEntry {
  return {
    info: {
      name,
      type,
      perm: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      ino: 0,
      nlink: 1,
      devMajor: 0,
      devMinor: 0,
      rdevMajor: 0,
      rdevMinor: 0,
      size: 0,
      ...(linkTarget === undefined ? {} : { linkTarget }),
    },
  };
}

const names = (entries: WriteEntry[]) => entries.map((x) => x.info.name);

describe('resolveParentSymlinks', () => {
  it('moves entries below a directory symlink to where it leads, and keeps the link', () => {
    const out = resolveParentSymlinks([
      e('lib', 'symlink', 'usr/lib'),
      e('lib/modules', 'directory'),
      e('lib/modules/x.ko'),
    ]);
    expect(names(out)).toEqual(['lib', 'usr/lib/modules', 'usr/lib/modules/x.ko']);
  });

  it('follows absolute and chained links, and .. inside the image', () => {
    const out = resolveParentSymlinks([e('a', 'symlink', '/b'), e('b', 'symlink', 'c/../d'), e('a/f')]);
    expect(names(out)).toEqual(['a', 'b', 'd/f']);
  });

  it('leaves loops and escapes alone', () => {
    const loop = resolveParentSymlinks([e('x', 'symlink', 'y'), e('y', 'symlink', 'x'), e('x/f')]);
    expect(names(loop)).toEqual(['x', 'y', 'x/f']);
    const outside = resolveParentSymlinks([e('up', 'symlink', '../..'), e('up/f')]);
    expect(names(outside)).toEqual(['up', 'up/f']);
  });

  it('changes nothing without symlinks', () => {
    const input = [e('a', 'directory'), e('a/b')];
    expect(resolveParentSymlinks(input)).toEqual(input);
  });
});
