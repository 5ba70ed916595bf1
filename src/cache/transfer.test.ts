import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTar } from '../archive/index.js';
import { openCache } from './index.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-cache-x-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function file(name: string, content: string, mode = 0o644): string {
  const p = path.join(root, name);
  fs.writeFileSync(p, content);
  fs.chmodSync(p, mode);
  return p;
}

async function writeRawTar(target: string, members: { name: string; content: Buffer }[]): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of writeTar(
    members.map((m) => ({
      name: m.name,
      mode: 0o644,
      size: m.content.length,
      data: async function* () {
        yield m.content;
      },
    })),
  ))
    chunks.push(c);
  fs.writeFileSync(target, Buffer.concat(chunks));
}

describe('export / import', () => {
  it('moves entries with their modes to another store; the same store exports the same bytes', async () => {
    const a = openCache({ dir: path.join(root, 'a') });
    await a.put('tool@1', file('t', '#!/bin/sh\necho hi\n', 0o755));
    await a.put('data@1', file('d', 'data'));
    await a.put('alias', file('d2', 'data')); // same content: one blob in the archive
    const tar = path.join(root, 'x.tar');
    expect(await a.export(tar)).toEqual({ entries: 3, blobs: 2, bytes: 22 });
    const first = fs.readFileSync(tar);
    await a.get('tool@1'); // a use changes nothing exported
    await a.export(tar);
    expect(fs.readFileSync(tar)).toEqual(first);
    const listing = execFileSync('tar', ['-tf', tar], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(listing).toHaveLength(5);

    const b = openCache({ dir: path.join(root, 'b') });
    expect(await b.import(tar)).toEqual({ entries: 3, blobs: 2 });
    const original = await a.list();
    expect((await b.list()).map(({ usedAt: _, ...e }) => e)).toEqual(
      original.map(({ usedAt: _, ...e }) => e),
    );
    await b.get('tool@1', path.join(root, 'out'));
    expect(fs.statSync(path.join(root, 'out')).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(root, 'out'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
  });

  it('refuses a blob whose bytes do not match its name, storing nothing', async () => {
    const a = openCache({ dir: path.join(root, 'a') });
    const e = await a.put('k', file('f', 'original'));
    const tar = path.join(root, 'x.tar');
    await a.export(tar);
    const bytes = fs.readFileSync(tar);
    const at = bytes.indexOf('original');
    bytes.write('tampered', at);
    fs.writeFileSync(tar, bytes);
    const b = openCache({ dir: path.join(root, 'b') });
    await expect(b.import(tar)).rejects.toMatchObject({
      code: 'CACHE_DIGEST_MISMATCH',
      message: expect.stringContaining(`blobs/sha256/${e.digest.slice(7)}: content: expected ${e.digest}`),
    });
    expect(await b.list()).toEqual([]);
    expect((await b.stats()).blobs).toBe(0);
    expect((await b.stats()).tempFiles).toBe(0);
  });

  it('refuses members it does not know and entries without their blob', async () => {
    const b = openCache({ dir: path.join(root, 'b') });
    const evil = path.join(root, 'evil.tar');
    await writeRawTar(evil, [{ name: '../../etc/x', content: Buffer.from('x') }]);
    await expect(b.import(evil)).rejects.toThrow(
      /\.\.\/\.\.\/etc\/x: expected blobs\/sha256\/<hex> or entries/,
    );
    const orphan = path.join(root, 'orphan.tar');
    const entry = { key: 'k', digest: `sha256:${'1'.repeat(64)}`, size: 1, mode: 0o644, createdAt: 1 };
    const { keyId } = await import('./key.js');
    await writeRawTar(orphan, [
      { name: `entries/${keyId('k')}.json`, content: Buffer.from(JSON.stringify(entry)) },
    ]);
    await expect(b.import(orphan)).rejects.toThrow(
      /expected blob sha256:1{64} earlier in the archive or in the store/,
    );
    expect(fs.existsSync(path.join(root, 'etc'))).toBe(false);
    expect(await b.list()).toEqual([]);
  });
});
