// What the unpacked tree retains per entry, counted as a heap delta over 100,000 synthetic records
// (no timing): the tree is held once, in compact dirents and inodes, whatever the checks do with it.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type CpioRecord, newInfo, type RecordOrigin } from '../cpio/index.js';
import { imageDeps } from './image-deps.js';
import { unpackLikeKernel } from './unpack.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const COUNT = 100_000;
const EMPTY = new Uint8Array(0);

function* records(): Generator<CpioRecord> {
  const place = { segment: 0, archive: 0, compression: 'none' as const, segmentOffset: 0 };
  let offset = 0;
  const at = (): RecordOrigin => {
    offset += 128;
    return { ...place, offset };
  };
  for (let d = 0; d < COUNT / 1000; d++) {
    yield { info: newInfo(`d${d}`, 'directory', 0o755), data: EMPTY, origin: at() };
    for (let f = 0; f < 1000; f++)
      yield { info: newInfo(`d${d}/file-${f}`, 'file', 0o644), data: EMPTY, origin: at() };
  }
}

describe('the unpacked tree', () => {
  it('retains under 600 bytes per entry for 100,000 entries (about 240 measured)', async () => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const tree = await unpackLikeKernel(records());
    // Walking the tree (as every check does) makes its nodes on demand and keeps none of them.
    let files = 0;
    for (const node of tree.nodes.values()) if (node.type === 'file') files += 1;
    imageDeps(tree);
    gc();
    const perEntry = (process.memoryUsage().heapUsed - before) / tree.entries;
    expect(tree.entries).toBe(COUNT + COUNT / 1000);
    expect(files).toBe(COUNT);
    expect(perEntry).toBeLessThan(600);
    expect(tree.nodes.get('/d7/file-9')).toMatchObject({ type: 'file', perm: 0o644, rawName: 'd7/file-9' });
  });
});
