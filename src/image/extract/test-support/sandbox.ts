import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

/** The fixed mtime of the sentinel, in seconds. */
const SENTINEL_MTIME = 1_000_000_000;
const SENTINEL_CONTENT = 'sentinel: must never change\n';

/**
 * A temporary base holding `root/` (the extraction destination, created empty so a failed run leaves
 * its partial tree to inspect; pass `{ fresh: true }` to leave it missing), `outside/` with a
 * sentinel file, and a snapshot of everything outside `root/`, to prove nothing was written outside.
 */
export interface Sandbox {
  base: string;
  root: string;
  outside: string;
  sentinel: string;
  /** Asserts: the sentinel's bytes, mode and mtime are unchanged and nothing outside `root/` changed. */
  assertOutsideUnchanged(): void;
  cleanup(): void;
}

/** Every path under `dir` except `skip`, with type, mode and mtime, iteratively (no recursion). */
function snapshot(dir: string, skip: string): string[] {
  const lines: string[] = [];
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    for (const name of fs.readdirSync(current)) {
      const full = path.join(current, name);
      if (full === skip) continue;
      const stats = fs.lstatSync(full);
      const kind = stats.isSymbolicLink()
        ? `-> ${fs.readlinkSync(full)}`
        : stats.isDirectory()
          ? 'dir'
          : 'other';
      lines.push(`${full} ${kind} ${stats.mode.toString(8)} ${stats.mtimeMs} ${stats.size}`);
      if (stats.isDirectory()) pending.push(full);
    }
  }
  return lines.sort();
}

/** Creates a sandbox; call `cleanup()` in `afterEach`. */
export function makeSandbox(options: { fresh?: boolean } = {}): Sandbox {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  const sentinel = path.join(outside, 'sentinel');
  fs.mkdirSync(outside, { mode: 0o755 });
  if (options.fresh !== true) fs.mkdirSync(root, { mode: 0o755 });
  fs.writeFileSync(sentinel, SENTINEL_CONTENT, { mode: 0o644 });
  fs.utimesSync(sentinel, SENTINEL_MTIME, SENTINEL_MTIME);
  fs.utimesSync(outside, SENTINEL_MTIME, SENTINEL_MTIME);
  const before = snapshot(base, root);
  return {
    base,
    root,
    outside,
    sentinel,
    assertOutsideUnchanged() {
      expect(fs.readFileSync(sentinel, 'utf8')).toBe(SENTINEL_CONTENT);
      const stats = fs.statSync(sentinel);
      expect(stats.mtimeMs).toBe(SENTINEL_MTIME * 1000);
      expect(stats.mode & 0o7777).toBe(0o644);
      expect(snapshot(base, root)).toEqual(before);
    },
    cleanup() {
      // Make every directory writable first: tests extract 0500 directories.
      const pending = [base];
      for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
        const stats = fs.lstatSync(current);
        if (!stats.isDirectory()) continue;
        fs.chmodSync(current, 0o755);
        for (const name of fs.readdirSync(current)) pending.push(path.join(current, name));
      }
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Runs `action` and returns the error it throws (failing the test if it does not throw). */
export async function caught(
  action: () => Promise<unknown>,
): Promise<Error & { code?: string; data?: Record<string, unknown> }> {
  try {
    await action();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error, got none');
}
