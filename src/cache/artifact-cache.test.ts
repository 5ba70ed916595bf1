import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache } from './index.js';

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
