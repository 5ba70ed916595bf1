import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, type LockHolder } from './process-lock.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-lock-'));
  file = path.join(dir, 'x.lock');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('acquireLock', () => {
  it('names its holder; a second taker waits (told once) until the first releases', async () => {
    const release = await acquireLock(file);
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname() });
    const waits: (LockHolder | undefined)[] = [];
    let second = false;
    const taking = acquireLock(file, { pollMs: 5, onWait: (h) => waits.push(h) }).then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(second).toBe(false);
    expect(waits).toEqual([holder]);
    release();
    const releaseSecond = await taking;
    expect(waits).toHaveLength(1);
    releaseSecond();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('replaces the lock of a process that died holding it, without waiting', async () => {
    const dead = spawnSync('true').pid;
    fs.writeFileSync(file, JSON.stringify({ pid: dead, host: os.hostname(), started: 'then' }));
    const waits: unknown[] = [];
    const release = await acquireLock(file, { onWait: (h) => waits.push(h) });
    expect(waits).toEqual([]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).pid).toBe(process.pid);
    release();
  });

  it("never judges another host's lock (a shared disk): it waits for it to go", async () => {
    const other = { pid: 1, host: `not-${os.hostname()}`, started: 'then' };
    fs.writeFileSync(file, JSON.stringify(other));
    const waits: unknown[] = [];
    setTimeout(() => fs.unlinkSync(file), 50);
    const release = await acquireLock(file, { pollMs: 5, onWait: (h) => waits.push(h) });
    expect(waits).toEqual([other]);
    release();
  });

  it('refuses a directory it cannot write with one line naming the file', async () => {
    await expect(acquireLock(path.join(dir, 'missing', 'x.lock'))).rejects.toThrow(
      `${path.join(dir, 'missing', 'x.lock')}: cannot create the lock file: no such file or directory`,
    );
  });
});
