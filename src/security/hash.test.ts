import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDigest, hashFile } from './hash.js';
import { useTempDirs } from './test-support/temp-dir.js';

const tmp = useTempDirs();

describe('hash', () => {
  it('matches the FIPS 180 test vector and sha256sum/sha512sum', async () => {
    const dir = tmp();
    const abc = path.join(dir, 'abc');
    fs.writeFileSync(abc, 'abc');
    expect((await hashFile(abc)).hex).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const big = path.join(dir, 'big');
    fs.writeFileSync(big, Buffer.alloc(3 * 1024 * 1024 + 1, 0xa5));
    for (const algo of ['sha256', 'sha512'] as const) {
      const d = await hashFile(big, algo);
      expect(`${formatDigest(d)}\n`).toBe(execFileSync(`${algo}sum`, [big], { encoding: 'utf8' }));
      expect(d.size).toBe(3 * 1024 * 1024 + 1);
    }
  });

  it('refuses a missing file', async () => {
    await expect(hashFile(path.join(tmp(), 'nope'))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });
});
