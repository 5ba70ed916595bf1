import { describe, expect, it } from 'vitest';
import { excludeMatcher } from './exclude-patterns.js';

describe('exclude patterns (.gitignore subset)', () => {
  it('matches base names at any depth, anchored paths only at the root, directories with a trailing /', () => {
    const m = excludeMatcher(['*.o', '/out', 'docs/*.md', 'target/', 'a/**/z']);
    expect(m('x.o', false)).toBe(true);
    expect(m('deep/dir/x.o', false)).toBe(true);
    expect(m('x.c', false)).toBe(false);
    expect(m('out', true)).toBe(true);
    expect(m('sub/out', true)).toBe(false);
    expect(m('docs/a.md', false)).toBe(true);
    expect(m('docs/sub/a.md', false)).toBe(false);
    expect(m('target', true)).toBe(true);
    expect(m('crate/target', true)).toBe(true);
    expect(m('target', false)).toBe(false);
    expect(m('a/z', false)).toBe(true);
    expect(m('a/b/c/z', false)).toBe(true);
    expect(m('b/a/z', false)).toBe(false);
  });

  it('takes back with ! what an earlier pattern excluded: the last match decides', () => {
    const m = excludeMatcher(['*', '!rock-init.c', '!Makefile']);
    expect(m('rock-init.c', false)).toBe(false);
    expect(m('Makefile', false)).toBe(false);
    expect(m('rock-manager.c', false)).toBe(true);
    expect(m('sub', true)).toBe(true);
  });

  it('treats regex characters literally', () => {
    const m = excludeMatcher(['a+b.(c)']);
    expect(m('a+b.(c)', false)).toBe(true);
    expect(m('aab.(c)', false)).toBe(false);
  });
});
