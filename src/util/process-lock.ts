/**
 * An exclusive lock between processes on one machine, as a file created with O_EXCL that names its
 * holder (`{"pid","host","started"}`). A second process waits, saying once whom it waits for (as
 * cargo's "Blocking waiting for file lock"); a holder that died without releasing (SIGKILL, power
 * loss) is recognised by its pid on this host and replaced. SIGINT/SIGTERM/SIGHUP remove the file
 * with the process's other temporaries.
 */
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fsError } from './fs-errors.js';
import { releaseTemp, trackTemp } from './live-temp-files.js';

/** Who holds a lock. */
export interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions {
  /** Called once, when the lock is held by another live process and we start waiting. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** How often to look again while waiting; default 100 ms. */
  pollMs?: number;
}

/** Waits for and takes the lock `file`; resolves to the function that releases it. */
export async function acquireLock(file: string, options: AcquireLockOptions = {}): Promise<() => void> {
  const me: LockHolder = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  let told = false;
  for (;;) {
    if (tryCreate(file, me)) break;
    const holder = readHolder(file);
    if (holder !== undefined && isStale(holder)) {
      removeIfStill(file, holder);
      continue;
    }
    if (!told) {
      told = true;
      options.onWait?.(holder);
    }
    await sleep(options.pollMs ?? 100);
  }
  trackTemp(file);
  return () => {
    releaseTemp(file);
    try {
      if (readHolder(file)?.pid === me.pid) fs.unlinkSync(file);
    } catch {
      // Already gone (a `clean` of the directory): nothing to release.
    }
  };
}

function tryCreate(file: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fsError(error, file, 'cannot create the lock file');
  }
  try {
    fs.writeSync(fd, `${JSON.stringify(me)}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** The holder named in the file; undefined while it is being written or when it is unreadable. */
function readHolder(file: string): LockHolder | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.started === 'string'
    ) {
      return value as LockHolder;
    }
  } catch {
    // Being written (empty), or removed meanwhile: look again.
  }
  return undefined;
}

/** A holder on this host whose process is gone. One on another host (a shared disk) is never judged. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes a stale lock unless another process replaced it since it was read. */
function removeIfStill(file: string, stale: LockHolder): void {
  const now = readHolder(file);
  if (now === undefined || now.pid !== stale.pid || now.started !== stale.started) return;
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw fsError(error, file, 'cannot remove a stale lock');
  }
}
