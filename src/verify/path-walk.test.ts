import { describe, expect, it } from 'vitest';
import type { EntryType } from '../cpio/index.js';
import { type Lookup, walkParent, walkPath } from './path-walk.js';

function fsOf(entries: Record<string, EntryType | string>): Lookup {
  return (path) => {
    if (path === '/') return { type: 'directory' };
    const e = entries[path];
    if (e === undefined) return undefined;
    if (e === 'directory' || e === 'file') return { type: e };
    return { type: 'symlink', linkTarget: e };
  };
}

const fs = fsOf({
  '/usr': 'directory',
  '/usr/lib': 'directory',
  '/usr/lib/x': 'file',
  '/lib': 'usr/lib',
  '/abs': '/usr/lib/x',
  '/up': '../../usr',
  '/loop': 'loop',
  '/empty': '',
  '/f': 'file',
});

describe('walkPath', () => {
  it('follows intermediate symlinks, relative to the link and absolute from the root', () => {
    expect(walkPath(fs, '/lib/x', { followFinal: false })).toMatchObject({
      ok: true,
      path: '/usr/lib/x',
      hops: 1,
    });
    expect(walkPath(fs, 'abs', { followFinal: true })).toMatchObject({ ok: true, path: '/usr/lib/x' });
  });

  it('does not follow the last component unless asked', () => {
    expect(walkPath(fs, '/abs', { followFinal: false })).toMatchObject({ ok: true, path: '/abs', hops: 0 });
  });

  it('.. at the root stays at the root and is reported as an escape', () => {
    expect(walkPath(fs, '/up/lib', { followFinal: false })).toMatchObject({
      ok: true,
      path: '/usr/lib',
      escaped: true,
    });
    expect(walkPath(fs, '/usr/../usr/lib', { followFinal: false })).toMatchObject({
      ok: true,
      escaped: false,
    });
  });

  it('refuses with the errno Linux gives', () => {
    expect(walkPath(fs, '/nope/x', { followFinal: false })).toMatchObject({
      ok: false,
      error: 'ENOENT',
      at: '/nope',
    });
    expect(walkPath(fs, '/f/x', { followFinal: false })).toMatchObject({
      ok: false,
      error: 'ENOTDIR',
      at: '/f',
    });
    expect(walkPath(fs, '/loop', { followFinal: true })).toMatchObject({
      ok: false,
      error: 'ELOOP',
      hops: 41,
    });
    expect(walkPath(fs, '/empty', { followFinal: true })).toMatchObject({ ok: false, error: 'ENOENT' });
    expect(walkPath(fs, '/f/', { followFinal: false })).toMatchObject({ ok: false, error: 'ENOTDIR' });
    expect(walkPath(fs, `/${'n'.repeat(256)}`, { followFinal: false })).toMatchObject({
      ok: false,
      error: 'ENAMETOOLONG',
    });
  });
});

describe('walkParent', () => {
  it('resolves the parent and keeps the last component', () => {
    expect(walkParent(fs, './lib//y')).toEqual({
      ok: true,
      dir: '/usr/lib',
      final: 'y',
      trailingSlash: false,
      escaped: false,
    });
    expect(walkParent(fs, 'usr/')).toEqual({
      ok: true,
      dir: '/',
      final: 'usr',
      trailingSlash: true,
      escaped: false,
    });
  });

  it('names the root itself with final null, and refuses the empty name', () => {
    expect(walkParent(fs, '/')).toMatchObject({ ok: true, dir: '/', final: null });
    expect(walkParent(fs, '')).toMatchObject({ ok: false, error: 'ENOENT' });
  });

  it('refuses a parent that is a file', () => {
    expect(walkParent(fs, 'f/x')).toMatchObject({ ok: false, error: 'ENOTDIR', at: '/f' });
  });
});
