import { describe, expect, it } from 'vitest';
import { indexTree, RootfsLayer } from './rootfs-layer.js';
import { buildRecords, type Spec } from './test-support/good-image.js';
import type { ImageNode } from './types.js';
import { unpackLikeKernel, unpackOnto } from './unpack.js';

const dir = (name: string, perm = 0o755, segment = 0): Spec => ({ name, type: 'directory', perm, segment });
const file = (name: string, data: string, segment = 0, extra: Partial<Spec> = {}): Spec => ({
  name,
  type: 'file',
  perm: 0o644,
  data,
  segment,
  ...extra,
});

/** What a node says, without the inode number (numbering may differ; sharing is compared apart). */
function seen(node: ImageNode) {
  const { inode: _inode, content: _content, data, ...rest } = node;
  return { ...rest, data: Buffer.from(data).toString() };
}

/** Paths grouped by shared inode (hard links), each group sorted. */
function linkGroups(nodes: ReadonlyMap<string, ImageNode>): string[][] {
  const byInode = new Map<number, string[]>();
  for (const node of nodes.values()) byInode.set(node.inode, [...(byInode.get(node.inode) ?? []), node.path]);
  return [...byInode.values()].filter((g) => g.length > 1).map((g) => g.sort());
}

describe('RootfsLayer', () => {
  it('gives the tree a full unpack gives: additions, replacements, removals and shared inodes', async () => {
    const base: Spec[] = [
      dir('etc'),
      file('etc/a', 'old', 0, { ino: 100, nlink: 2 }),
      file('etc/b', 'old', 0, { ino: 100, nlink: 2 }),
      { name: 'etc/l', type: 'symlink', perm: 0o777, target: 'a', segment: 0 },
      file('etc/gone', 'x'),
      dir('m'),
    ];
    const segment: Spec[] = [
      dir('etc', 0o700, 1),
      file('etc/a', 'new', 1),
      dir('etc/l', 0o755, 1),
      // A symlink target of PATH_MAX bytes: clean_path removes what is there, then the link fails.
      { name: 'etc/gone', type: 'symlink', perm: 0o777, target: 'x'.repeat(4096), segment: 1 },
      file('a0', 'first', 1),
      dir('n', 0o755, 1),
      file('n/deep', 'n', 1),
      file('zz', 'last', 1),
    ];
    const all = buildRecords([...base, ...segment]);
    const full = await unpackLikeKernel(all);
    const baseTree = await unpackLikeKernel(all.slice(0, base.length));

    const layer = new RootfsLayer(indexTree(baseTree.nodes));
    const more = await unpackOnto(layer, all.slice(base.length));
    const { nodes, changed } = layer.merged();

    expect([...nodes.keys()]).toEqual([...full.nodes.keys()]);
    expect(nodes.size).toBe(full.nodes.size);
    expect([...nodes.values()].map(seen)).toEqual([...full.nodes.values()].map(seen));
    for (const path of full.nodes.keys())
      expect(seen(nodes.get(path) as ImageNode)).toEqual(seen(full.nodes.get(path) as ImageNode));
    expect(nodes.has('/etc/gone')).toBe(false);
    expect(nodes.get('/etc/gone')).toBeUndefined();
    // The O_TRUNC of /etc/a reached its hard link /etc/b through the shared inode.
    expect(Buffer.from(nodes.get('/etc/b')?.data ?? []).toString()).toBe('new');
    expect(linkGroups(nodes)).toEqual(linkGroups(full.nodes));
    expect(changed.has('/etc/b')).toBe(true);
    expect(changed.has('/m')).toBe(false);
    expect(more.notes.map((n) => `${n.kind} ${n.path}`)).toEqual(
      full.notes.slice(baseTree.notes.length).map((n) => `${n.kind} ${n.path}`),
    );
    // The base's tree is read, never written.
    expect(Buffer.from(baseTree.nodes.get('/etc/a')?.data ?? []).toString()).toBe('old');
    expect(baseTree.nodes.has('/etc/gone')).toBe(true);
  });
});
