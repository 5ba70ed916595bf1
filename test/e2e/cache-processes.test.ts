import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runTool } from '../support/cli.js';

/** rock-cache with its own processes, as builds on one machine would run it (needs `npm run build`). */
const bin = path.join(repoRoot, 'dist/bin/rock-cache.js');

let root: string;
let store: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-cache-e2e-'));
  store = path.join(root, 'store');
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function cache(...args: string[]) {
  return runTool('rock-cache', ['--dir', store, ...args]);
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, err })));
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe.skipIf(!fs.existsSync(bin))('rock-cache across processes', () => {
  it('four processes putting the same key at once leave one complete entry', async () => {
    // Different content per writer, big enough (16 MiB) that the writes overlap.
    const files = [0, 1, 2, 3].map((i) => {
      const p = path.join(root, `artifact-${i}`);
      const content = Buffer.alloc(16 << 20, i + 1);
      content.write(`writer ${i}`);
      fs.writeFileSync(p, content);
      return { path: p, digest: sha256(content), content };
    });
    const children = files.map((f) =>
      spawn(process.execPath, [bin, '--dir', store, 'put', 'shared@1', f.path]),
    );
    const results = await Promise.all(children.map(exited));
    expect(results.map((r) => [r.code, r.err])).toEqual(files.map(() => [0, '']));

    const list = JSON.parse(cache('list', '--json').stdout);
    expect(list).toHaveLength(1);
    const winner = files.find((f) => f.digest === list[0].digest);
    expect(winner).toBeDefined();
    expect(cache('get', 'shared@1', path.join(root, 'out')).status).toBe(0);
    expect(fs.readFileSync(path.join(root, 'out')).equals(winner!.content)).toBe(true);

    const verify = JSON.parse(cache('verify', '--json').stdout);
    expect(verify).toMatchObject({ ok: true, blobsChecked: 4, entriesChecked: 1, tempFilesRemoved: 0 });
    const stats = JSON.parse(cache('stats', '--json').stdout);
    expect(stats).toMatchObject({ entries: 1, blobs: 4, unreferencedBlobs: 3, tempFiles: 0 });
  });

  it('a put killed with SIGKILL midway leaves no entry and one temp file that verify removes', async () => {
    const fifo = path.join(root, 'slow-input');
    const made = spawn('mkfifo', [fifo]);
    expect((await exited(made)).code).toBe(0);
    const child = spawn(process.execPath, [bin, '--dir', store, 'put', 'half@1', fifo]);
    const done = exited(child);
    const writer = fs.createWriteStream(fifo);
    // The reader is killed mid-put: what is still unwritten then fails with EPIPE, as intended.
    writer.on('error', () => {});
    writer.write(Buffer.alloc(1 << 20, 1));
    // Wait (for a condition, not a time) until the put has written bytes into its temp file.
    const tmp = path.join(store, 'tmp');
    for (;;) {
      const names = fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
      if (names.length === 1 && fs.statSync(path.join(tmp, names[0]!)).size > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    writer.destroy();

    expect(cache('has', 'half@1').status).toBe(1);
    expect(cache('list', '--json').stdout.trim()).toBe('[]');
    expect(JSON.parse(cache('stats', '--json').stdout)).toMatchObject({ entries: 0, blobs: 0, tempFiles: 1 });
    const verify = JSON.parse(cache('verify', '--json').stdout);
    expect(verify).toMatchObject({ ok: true, tempFilesRemoved: 1, blobsChecked: 0 });
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
