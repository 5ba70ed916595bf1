import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from './fingerprint.js';
import { expandPattern } from './glob.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rock-glob-'));
  for (const f of ['a.txt', 'b.md', '.hidden.txt', 'src/x.txt', 'src/deep/y.txt', 'src/deep/z.bin']) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), f);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const names = (pattern: string) => expandPattern(pattern, dir).map((p) => relative(dir, p));

describe('expandPattern', () => {
  it('matches *, ? and ** by segment, without dotfiles unless asked', () => {
    expect(names('*.txt')).toEqual(['a.txt']);
    expect(names('.*.txt')).toEqual(['.hidden.txt']);
    expect(names('?.md')).toEqual(['b.md']);
    expect(names('src/**/*.txt')).toEqual(['src/deep/y.txt', 'src/x.txt']);
    expect(names('src/*/z.[a-c]in')).toEqual(['src/deep/z.bin']);
  });

  it('names a plain path only when it exists', () => {
    expect(names('src')).toEqual(['src']);
    expect(names('missing')).toEqual([]);
  });
});

describe('fingerprint', () => {
  it('hashes content under the path relative to the pipeline, walks directories, records absent paths', async () => {
    const print = await fingerprint(['src/deep', 'missing.txt'], dir, dir);
    expect(Object.keys(print)).toEqual(['missing.txt', 'src/deep/y.txt', 'src/deep/z.bin']);
    expect(print['missing.txt']).toBe('absent');
    expect(print['src/deep/y.txt']).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same content under another path is another fingerprint: a moved file is a change.
    const moved = await fingerprint(['deep'], join(dir, 'src'), join(dir, 'src'));
    expect(Object.keys(moved)).toEqual(['deep/y.txt', 'deep/z.bin']);
  });
});
