import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates `dir` and its missing parents, like `mkdir -p`, one component at a time.
 *
 * Not `fs.mkdirSync(dir, { recursive: true })`: on Node 20 that spins forever at 100% CPU when the
 * parent cannot hold directories (measured: `mkdirSync('/proc/x', { recursive: true })` never
 * returns). Here each failure is thrown at once with its errno.
 */
export function makeDirs(dir: string, mode = 0o755): void {
  const absolute = path.resolve(dir);
  const missing: string[] = [];
  let at = absolute;
  while (!isDirectory(at)) {
    if (exists(at)) {
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${absolute}'`), {
        code: 'ENOTDIR',
        syscall: 'mkdir',
        path: at,
      });
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !isDirectory(d)) throw err;
    }
  }
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
