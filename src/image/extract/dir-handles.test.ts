import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirHandles, type DirNode, StaleDirectory } from './dir-handles.js';
import { fileRecord } from './test-support/records.js';
import { makeSandbox, type Sandbox } from './test-support/sandbox.js';
import { ensureParents, inspectParents } from './walk.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

/** Open descriptors of this process that name a directory below `root`. */
function openBelow(root: string): number {
  return fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(`${root}/`)).length;
}

const hasProc = fs.existsSync('/proc/self/fd');

/** The known directory at `relative` (the test fails if the run does not know it). */
function known(handles: DirHandles, relative: string): DirNode {
  const node = handles.lookup(relative);
  expect(node, relative).toBeDefined();
  return node as DirNode;
}

describe.skipIf(!hasProc)('directory handles', () => {
  it('keeps at most the open limit of descriptors, and reopens an evicted chain relative to its parents', () => {
    const handles = new DirHandles(box.root, 3);
    const parts = [...'abcdefgh', 'f'];
    const deep = ensureParents(handles, parts, parts.join('/'), fileRecord(parts.join('/')), () => {});
    expect(handles.viaProc).toBe(true);
    expect(deep.relative).toBe('a/b/c/d/e/f/g/h');
    // One more call evicts down to the limit first.
    fs.writeFileSync(handles.at(handles.root, 'top'), 'x');
    expect(openBelow(box.root)).toBeLessThanOrEqual(3);
    // `a`'s descriptor was evicted: reopened relative to the root's, `b` relative to it, and so on.
    const shallow = known(handles, 'a/b');
    fs.writeFileSync(handles.at(shallow, 'x'), 'via a reopened chain');
    expect(fs.readFileSync(path.join(box.root, 'a/b/x'), 'utf8')).toBe('via a reopened chain');
    handles.close();
    expect(openBelow(box.root)).toBe(0);
  });

  it('an evicted directory replaced behind its back is stale on reopen: forgotten with all below, never written into', () => {
    const handles = new DirHandles(box.root, 1);
    const parts = ['a', 'b', 'c', 'f'];
    ensureParents(handles, parts, 'a/b/c/f', fileRecord('a/b/c/f'), () => {});
    handles.at(handles.root, 'x'); // evicts down to one descriptor (`c`'s)
    const b = known(handles, 'a/b');
    handles.fdOf(handles.root);
    // Another process swaps `a` for a directory of its own.
    fs.renameSync(path.join(box.root, 'a'), path.join(box.root, 'moved'));
    fs.mkdirSync(path.join(box.root, 'a/b'), { recursive: true });
    handles.at(handles.root, 'y'); // evicts `c`
    expect(() => handles.at(b, 'x')).toThrow(StaleDirectory);
    expect(handles.lookup('a')).toBeUndefined();
    expect(handles.lookup('a/b/c')).toBeUndefined();
    // A fresh walk looks at the new `a` and finds no `c` in it.
    expect(inspectParents(handles, parts)).toEqual({ ok: false, index: 2, found: 'missing' });
    handles.close();
  });

  it('forget closes the descriptors of the directory and everything below it', () => {
    const handles = new DirHandles(box.root);
    const parts = ['a', 'b', 'c', 'f'];
    ensureParents(handles, parts, 'a/b/c/f', fileRecord('a/b/c/f'), () => {});
    for (const relative of ['a', 'a/b', 'a/b/c']) handles.fdOf(known(handles, relative));
    expect(openBelow(box.root)).toBe(3);
    handles.forget(known(handles, 'a/b'));
    expect(openBelow(box.root)).toBe(1);
    expect(handles.lookup('a/b/c')).toBeUndefined();
    expect(handles.lookup('a')?.children.size).toBe(0);
    handles.close();
  });
});
