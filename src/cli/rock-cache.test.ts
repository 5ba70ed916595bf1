import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testContext } from './context.js';
import { age } from './option-values.js';
import { cacheOptions, rockCacheProgram } from './rock-cache.js';
import { runCli } from './run.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-cache-cli-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const context = testContext({ cwd: root, env: { ROCK_HOME: path.join(root, 'home') }, io });
  const code = await runCli('rock-cache', rockCacheProgram(context), argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rock-cache', () => {
  it('put, get, has, list, rm with exit codes; the store is $ROCK_HOME/cache', async () => {
    fs.writeFileSync(path.join(root, 'f'), 'content');
    const put = await cli('put', 'k@1', 'f', '--mode', '755', '--json');
    expect(put.code).toBe(0);
    const entry = JSON.parse(put.out);
    expect(entry).toMatchObject({ key: 'k@1', size: 7, mode: 0o755 });
    expect(fs.existsSync(path.join(root, 'home/cache/blobs/sha256', entry.digest.slice(7, 9)))).toBe(true);

    expect(await cli('get', 'k@1', 'out')).toMatchObject({ code: 0, err: '' });
    expect(fs.readFileSync(path.join(root, 'out'), 'utf8')).toBe('content');
    expect(fs.statSync(path.join(root, 'out')).mode & 0o777).toBe(0o755);
    const bare = await cli('get', 'k@1');
    expect(fs.readFileSync(bare.out, 'utf8')).toBe('content');

    expect(await cli('has', 'k@1')).toEqual({ code: 0, out: '', err: '' });
    expect(await cli('has', 'k@2')).toEqual({ code: 1, out: '', err: '' });
    expect(await cli('get', 'k@2', 'never')).toEqual({
      code: 1,
      out: '',
      err: 'rock-cache: k@2: not in the cache',
    });
    expect(fs.existsSync(path.join(root, 'never'))).toBe(false);
    expect(JSON.parse((await cli('list', '--json')).out).map((e: { key: string }) => e.key)).toEqual(['k@1']);
    expect((await cli('rm', 'k@1')).code).toBe(0);
    expect((await cli('rm', 'k@1')).code).toBe(1);
    expect((await cli('list')).out).toBe('');
  });

  it('refuses bad keys, modes and prune limits with exit 2, naming the flag or field', async () => {
    fs.writeFileSync(path.join(root, 'f'), 'x');
    expect(await cli('put', 'a b', 'f')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^rock-cache: key: expected/),
    });
    expect(await cli('put', 'k', 'f', '--mode', '9')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--mode'),
    });
    expect(await cli('put', 'k', 'missing')).toMatchObject({
      code: 2,
      err: `rock-cache: ${path.join(root, 'missing')}: cannot read: no such file or directory`,
    });
    expect(await cli('prune')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--max-size SIZE or --older-than'),
    });
    expect(await cli('prune', '--max-size', 'lots')).toMatchObject({
      code: 2,
      err: expect.stringContaining("--max-size: expected a size in bytes (4096, 64K, 1.5G), got 'lots'"),
    });
    expect(await cli('prune', '--older-than', '7')).toMatchObject({ code: 2 });
  });

  it('verify exits 1 after dropping a corrupt blob, 0 when clean; --json prints JSON only', async () => {
    fs.writeFileSync(path.join(root, 'f'), 'x');
    const { digest } = JSON.parse((await cli('put', 'k', 'f', '--json')).out);
    expect((await cli('verify')).code).toBe(0);
    const blob = path.join(root, 'home/cache/blobs/sha256', digest.slice(7, 9), digest.slice(7));
    fs.chmodSync(blob, 0o644);
    fs.writeFileSync(blob, 'y');
    const bad = await cli('verify', '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ ok: false, danglingEntries: [{ key: 'k', digest }] });
  });

  it('maps the remote flags onto the library options', () => {
    const context = testContext({ cwd: '/w', env: { ROCK_HOME: '/h' } });
    expect(cacheOptions({}, context)).toMatchObject({
      remote: undefined,
      env: { ROCK_HOME: '/h' },
      cwd: '/w',
    });
    expect(cacheOptions({ remote: false }, context).remote).toBe(false);
    expect(cacheOptions({ remote: 'oci://h/r', remoteRequired: true }, context)).toMatchObject({
      remote: 'oci://h/r',
      remoteRequired: true,
    });
  });
});

describe('age option', () => {
  it('reads an age with its unit: m h d w', () => {
    expect(age('--older-than', '7d')).toBe(7 * 86_400_000);
    expect(age('--older-than', '12h')).toBe(12 * 3_600_000);
    expect(age('--older-than', '90m')).toBe(90 * 60_000);
    expect(age('--older-than', '1.5d')).toBe(36 * 3_600_000);
    expect(age('--older-than', '2w')).toBe(14 * 86_400_000);
    for (const bad of ['7', '0d', '-1d', '7 d', '7y', 'soon'])
      expect(() => age('--older-than', bad)).toThrow(
        `--older-than: expected an age like 90m, 12h, 7d or 2w, got '${bad}'`,
      );
  });
});
