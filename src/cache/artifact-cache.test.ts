import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyId, openCache } from './index.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-cache-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer, mode = 0o644): string {
  const p = path.join(root, name);
  fs.writeFileSync(p, content);
  fs.chmodSync(p, mode);
  return p;
}

describe('ArtifactCache', () => {
  it('stores under the sha256 of the content and gets it back with its mode', async () => {
    const cache = openCache({ dir: path.join(root, 'store') });
    const src = file('rock-init', 'hello\n', 0o755);
    const entry = await cache.put('rock-init@1.0.0', src);
    expect(entry.digest).toBe('sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    expect(entry.size).toBe(6);
    expect(entry.mode).toBe(0o755);
    const blob = path.join(
      root,
      'store/blobs/sha256/58/5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03',
    );
    expect(cache.blobPath(entry.digest)).toBe(blob);
    const dest = path.join(root, 'out');
    const got = await cache.get('rock-init@1.0.0', dest);
    expect(got?.digest).toBe(entry.digest);
    expect(fs.readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(fs.statSync(dest).mode & 0o777).toBe(0o755);
    expect(await cache.has('rock-init@1.0.0')).toBe(true);
    expect(await cache.has('rock-init@2.0.0')).toBe(false);
    expect(await cache.get('rock-init@2.0.0', path.join(root, 'none'))).toBeUndefined();
    expect(fs.existsSync(path.join(root, 'none'))).toBe(false);
  });

  it('takes its directory from ROCK_CACHE_DIR, else ROCK_HOME/cache', () => {
    expect(openCache({ env: { ROCK_CACHE_DIR: '/x/c', ROCK_HOME: '/y' } }).dir).toBe('/x/c');
    expect(openCache({ env: { ROCK_HOME: '/y' } }).dir).toBe('/y/cache');
    expect(openCache({ dir: 'rel', cwd: '/w', env: { ROCK_CACHE_DIR: '/x/c' } }).dir).toBe('/w/rel');
  });

  it('refuses keys outside the character set, and no key reaches outside the store', async () => {
    const cache = openCache({ dir: path.join(root, 'store') });
    const src = file('f', 'x');
    for (const bad of ['', '-rf', '/etc/passwd', 'a b', 'a\u0000b', 'é', 'x'.repeat(257), 'a\\b'])
      await expect(cache.put(bad, src)).rejects.toMatchObject({ code: 'CACHE_BAD_KEY', exitCode: 2 });
    await cache.put('../../../escape', src);
    await cache.put('a/../../b', src);
    const everything = fs.readdirSync(root, { recursive: true }).map(String);
    expect(everything.filter((p) => !p.startsWith('store') && p !== 'f')).toEqual([]);
    expect((await cache.list()).map((e) => e.key)).toEqual(['../../../escape', 'a/../../b']);
  });

  it('remove drops the key; prune collects the blob once no key names it', async () => {
    const cache = openCache({ dir: path.join(root, 'store') });
    const e = await cache.put('k', file('f', 'content'));
    expect(await cache.remove('k')).toBe(true);
    expect(await cache.remove('k')).toBe(false);
    expect((await cache.stats()).unreferencedBlobs).toBe(1);
    expect(cache.blobPath(e.digest)).toBeDefined();
  });
});

/** Waits until the clock has moved on, so consecutive uses get distinct `usedAt` (LRU order). */
function nextMillisecond(): void {
  const t = Date.now();
  while (Date.now() <= t + 1) {
    // spin: a few milliseconds at most
  }
}

describe('verify', () => {
  it('finds a corrupted blob, drops it and its entry, and get then misses with a warning', async () => {
    const warnings: string[] = [];
    const cache = openCache({ dir: path.join(root, 'store'), warn: (m) => warnings.push(m) });
    const good = await cache.put('good', file('g', 'good content'));
    const bad = await cache.put('bad', file('b', 'bad content'));
    const blob = cache.blobPath(bad.digest)!;
    fs.chmodSync(blob, 0o644);
    fs.writeFileSync(blob, 'bad c0ntent');

    const dest = path.join(root, 'dest');
    expect(await cache.get('bad', dest)).toBeUndefined();
    expect(fs.existsSync(dest)).toBe(false);
    expect(warnings).toEqual([
      `cache entry bad: blob ${bad.digest} was damaged and is dropped; treated as a miss`,
    ]);

    // Damage again (get dropped the blob): verify finds it on its own.
    await cache.put('bad', file('b', 'bad content'));
    fs.chmodSync(blob, 0o644);
    fs.writeFileSync(blob, 'bad c0ntent');
    const report = await cache.verify();
    expect(report.ok).toBe(false);
    expect(report.blobsChecked).toBe(2);
    const actual = `sha256:${createHash('sha256').update('bad c0ntent').digest('hex')}`;
    expect(report.corruptBlobs).toEqual([{ digest: bad.digest, actual }]);
    expect(report.danglingEntries).toEqual([{ key: 'bad', digest: bad.digest }]);
    expect(await cache.has('bad')).toBe(false);
    expect(fs.existsSync(blob)).toBe(false);
    expect((await cache.get('good', dest))?.digest).toBe(good.digest);
    expect(await cache.verify()).toMatchObject({ ok: true, blobsChecked: 1, entriesChecked: 1 });
  });

  it('drops unreadable ref files and removes temp files whose writer is gone', async () => {
    const cache = openCache({ dir: path.join(root, 'store') });
    await cache.put('k', file('f', 'x'));
    const refDir = path.join(root, 'store/refs/ab');
    fs.mkdirSync(refDir, { recursive: true });
    fs.writeFileSync(path.join(refDir, `ab${'0'.repeat(62)}.json`), '{"key": "k", "digest": tru');
    const tmp = path.join(root, 'store/tmp');
    fs.writeFileSync(path.join(tmp, `999999999-${'a'.repeat(16)}`), 'partial');
    fs.writeFileSync(path.join(tmp, `${process.pid}-${'b'.repeat(16)}`), 'a live writer');
    const report = await cache.verify();
    expect(report.badRefs).toEqual([{ file: `refs/ab/ab${'0'.repeat(62)}.json`, reason: 'not JSON' }]);
    expect(report.tempFilesRemoved).toBe(1);
    expect(fs.readdirSync(tmp)).toEqual([`${process.pid}-${'b'.repeat(16)}`]);
  });
});

describe('prune', () => {
  it('removes least recently used first, get counting as a use', async () => {
    const cache = openCache({ dir: path.join(root, 'store') });
    for (const k of ['a', 'b', 'c', 'd']) {
      await cache.put(k, file(k, k.repeat(1000)));
      nextMillisecond();
    }
    await cache.get('a'); // a is now the most recently used
    nextMillisecond();
    await cache.get('c', path.join(root, 'c.out'));
    const report = await cache.prune({ maxSize: 2000 });
    expect(report.removed.map((e) => e.key)).toEqual(['b', 'd']);
    expect(report).toMatchObject({ blobsDeleted: 2, bytesFreed: 2000, bytesLeft: 2000 });
    expect((await cache.list()).map((e) => e.key)).toEqual(['a', 'c']);
    expect((await cache.stats()).blobBytes).toBe(2000);
    expect((await cache.prune({ maxSize: 1500 })).removed.map((e) => e.key)).toEqual(['a']);
  });

  it('--older-than removes entries unused for that long; a blob named by another key stays', async () => {
    const cache = openCache({ dir: path.join(root, 'store') });
    await cache.put('old', file('o', 'shared'));
    await cache.put('new', file('n', 'shared'));
    await cache.put('old2', file('o2', 'only old'));
    const ago = new Date(Date.now() - 8 * 86_400_000);
    for (const key of ['old', 'old2']) {
      const ref = path.join(root, 'store/refs', keyId(key).slice(0, 2), `${keyId(key)}.json`);
      fs.utimesSync(ref, ago, ago);
    }
    const report = await cache.prune({ olderThanMs: 7 * 86_400_000 });
    expect(report.removed.map((e) => e.key)).toEqual(['old', 'old2']);
    expect(report.blobsDeleted).toBe(1);
    expect(fs.readFileSync(cache.blobPath((await cache.get('new'))!.digest)!, 'utf8')).toBe('shared');
  });

  it('asks for at least one limit', async () => {
    await expect(openCache({ dir: root }).prune({})).rejects.toMatchObject({ code: 'CACHE_PRUNE_NOTHING' });
  });
});
