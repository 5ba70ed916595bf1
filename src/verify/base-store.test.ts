// The store of verified bases: a base stored by one run is the base a later run gets (the verdicts
// on segments over it are held equal to fresh ones by image/overlay/differential.test.ts), and
// anything else in the store (another build or key, a damaged or foreign file) is a miss, never an
// error. Files 0600 in a 0700 directory; only the most recently used are kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBases } from '../image/overlay/test-support/bases.js';
import {
  type BaseStore,
  decodeBase,
  encodeBase,
  loadStoredBase,
  type StoredBaseKey,
  storeBase,
} from './base-store.js';
import { type VerifiedBase, verifyBase } from './incremental.js';

let work: string;
let base: VerifiedBase;
let key: StoredBaseKey;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-base-store-'));
  const { gzip } = await makeBases(work, ['gzip']);
  base = await verifyBase(gzip as string);
  key = { sha256: base.sha256, source: 'base.gzip.img', cmdline: null };
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const storeAt = (name: string, keep?: number): BaseStore => ({
  dir: path.join(work, name, 'verified-bases'),
  buildId: 'build-1',
  ...(keep === undefined ? {} : { keep }),
});
const storedFiles = (store: BaseStore) => fs.readdirSync(store.dir).filter((f) => f.endsWith('.base'));

describe('storeBase and loadStoredBase', () => {
  it('give a later run the base as verified: its report, tree and names, marked as from the store', async () => {
    const store = storeAt('roundtrip');
    expect(loadStoredBase(store, key, base.path)).toBeUndefined();
    await storeBase(store, key, base);
    const loaded = loadStoredBase(store, key, base.path);
    expect(loaded).toBeDefined();
    expect(loaded?.fromStore).toBe(true);
    expect(base.fromStore).toBe(false);
    expect(loaded?.report).toEqual(base.report);
    expect(loaded?.sha256).toBe(base.sha256);
    expect([...(loaded?.names ?? [])]).toEqual([...base.names]);
    expect([...(loaded?.tree.nodes.keys() ?? [])]).toEqual([...base.tree.nodes.keys()]);
    const init = loaded?.tree.nodes.get('/sbin/init');
    const fresh = base.tree.nodes.get('/sbin/init');
    expect(init?.content.elf).toEqual(fresh?.content.elf);
    expect(Buffer.from(init?.content.read(0, 64) ?? [])).toEqual(
      Buffer.from(fresh?.content.read(0, 64) ?? []),
    );
  });

  it('keeps its files 0600 in a 0700 directory', async () => {
    const store = storeAt('modes');
    await storeBase(store, key, base);
    expect(fs.statSync(store.dir).mode & 0o777).toBe(0o700);
    const [file] = storedFiles(store);
    expect(fs.statSync(path.join(store.dir, file as string)).mode & 0o777).toBe(0o600);
  });

  it('misses for another build, content, name or command line', async () => {
    const store = storeAt('keys');
    await storeBase(store, key, base);
    expect(loadStoredBase({ ...store, buildId: 'build-2' }, key, base.path)).toBeUndefined();
    expect(loadStoredBase(store, { ...key, sha256: '0'.repeat(64) }, base.path)).toBeUndefined();
    expect(loadStoredBase(store, { ...key, source: 'other.img' }, base.path)).toBeUndefined();
    expect(loadStoredBase(store, { ...key, cmdline: 'init=/sbin/init' }, base.path)).toBeUndefined();
    expect(loadStoredBase(store, key, base.path)).toBeDefined();
  });

  it('misses, without throwing, for a damaged, truncated, empty or foreign file', async () => {
    const store = storeAt('damaged');
    await storeBase(store, key, base);
    const file = path.join(store.dir, storedFiles(store)[0] as string);
    const good = fs.readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1000] = (flipped[flipped.length - 1000] as number) ^ 0x40;
    for (const bytes of [flipped, good.subarray(0, good.length - 1), good.subarray(0, 20), Buffer.alloc(0)]) {
      fs.writeFileSync(file, bytes);
      expect(loadStoredBase(store, key, base.path)).toBeUndefined();
    }
    // A payload that is well framed and checksummed but not a stored base.
    const framed = encodeBase(base, key, 'build-1');
    expect(decodeBase(framed, key, 'build-1', base.path)).toBeDefined();
    const headerEnd = 8 + 4 + framed.readUInt32LE(8);
    const v8 = await import('node:v8');
    const { createHash } = await import('node:crypto');
    const payload = v8.serialize({ sha256: 'x', tree: 'not a tree' });
    const foreign = Buffer.concat([
      framed.subarray(0, headerEnd),
      createHash('sha256').update(payload).digest(),
      payload,
    ]);
    expect(decodeBase(foreign, key, 'build-1', base.path)).toBeUndefined();
  });

  it('keeps only the most recently used bases', async () => {
    const store = storeAt('prune', 2);
    const keys = ['a.img', 'b.img', 'c.img'].map((source) => ({ ...key, source }));
    for (const [i, k] of keys.entries()) {
      const before = fs.existsSync(store.dir) ? storedFiles(store) : [];
      await storeBase(store, k, base);
      // mtimes seconds apart, so the order is the stores', not the clock's grain.
      for (const name of storedFiles(store).filter((f) => !before.includes(f)))
        fs.utimesSync(path.join(store.dir, name), 1_000_000 + i, 1_000_000 + i);
    }
    expect(storedFiles(store)).toHaveLength(2);
    expect(loadStoredBase(store, keys[0] as StoredBaseKey, base.path)).toBeUndefined();
    expect(loadStoredBase(store, keys[1] as StoredBaseKey, base.path)).toBeDefined();
    expect(loadStoredBase(store, keys[2] as StoredBaseKey, base.path)).toBeDefined();
  });

  it('leaves a store it cannot write as it is, and the run goes on', async () => {
    const blocked = path.join(work, 'blocked');
    fs.writeFileSync(blocked, 'a file where the store directory would be\n');
    const store: BaseStore = { dir: path.join(blocked, 'verified-bases'), buildId: 'build-1' };
    await expect(storeBase(store, key, base)).resolves.toBeUndefined();
    expect(loadStoredBase(store, key, base.path)).toBeUndefined();
  });
});
