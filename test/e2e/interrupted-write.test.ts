// End to end: a real `rock-image create` child process signalled while it writes its image through a
// temporary file removes that file and exits with the shell's code for the signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, repoRoot } from '../support/cli.js';

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rock-interrupt-'));
  // Incompressible data under xz: the write takes long enough to be caught in the middle.
  mkdirSync(join(work, 'rootfs/opt'), { recursive: true });
  const fd = openSync(join(work, 'rootfs/opt/blob'), 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < chunk.length; j += 4) chunk.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, j);
    writeSync(fd, chunk);
  }
  closeSync(fd);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

/** Resolves once a `.NAME.tmp-*` file is in `dir` (the child is writing), or when the child is gone. */
async function tempFileAppears(dir: string, name: string, child: ChildProcess): Promise<boolean> {
  while (child.exitCode === null && child.signalCode === null) {
    if (readdirSync(dir).some((f) => f.startsWith(`.${name}.tmp-`))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('a signal during the write of an image', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal}: the temporary file is removed and the exit code is ${code}`, async () => {
      const outDir = join(work, signal);
      mkdirSync(outDir);
      const child = spawn(
        process.execPath,
        [
          join(repoRoot, 'dist/bin/rock-image.js'),
          'create',
          ...componentFlags(fixturesDir()),
          '--rootfs',
          join(work, 'rootfs'),
          '--compress',
          'xz',
          '-q',
          '-o',
          join(outDir, 'rock.img'),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const done = exited(child);
      expect(await tempFileAppears(outDir, 'rock.img', child)).toBe(true);
      child.kill(signal);
      const result = await done;
      expect(stderr).toBe('');
      expect(result).toEqual({ code, signal: null });
      expect(readdirSync(outDir)).toEqual([]);
    });
  }
});
