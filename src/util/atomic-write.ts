import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/index.js';
import { fsPath } from './byte-names.js';
import { errnoWords } from './fs-errors.js';
import { releaseTemp, trackTemp } from './live-temp-files.js';

/** Options of {@link writeFileAtomic} and {@link createAtomicWriteStream}. */
export interface AtomicWriteOptions {
  /** Exact permission bits of the new file (umask ignored); default `0o666` minus the umask. */
  mode?: number;
  /**
   * fsync the directory after the rename (default true). False for a batch of outputs in one
   * directory: the caller then calls {@link syncDirectory} once after the last one.
   */
  syncDirectory?: boolean;
}

/** A stream onto a temporary file that replaces the target only on {@link AtomicWriteStream.commit}. */
export interface AtomicWriteStream {
  stream: fs.WriteStream;
  /** The temporary file being written (`.<base>.tmp-<pid>-<random>` beside the target), e.g. to verify it before committing. */
  readonly tempPath: string;
  /** Ends the stream, fsyncs, and renames the temporary file over the target. Rejects on any stream error. */
  commit(): Promise<void>;
  /** Discards everything written: destroys the stream and removes the temporary file. */
  abort(): Promise<void>;
}

/** `.<base>.tmp-<pid>-<random>` beside the target: rename(2) is atomic only within one filesystem. */
function tempPathFor(target: string): string {
  const base = path.basename(target);
  return path.join(path.dirname(target), `.${base}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * The one-line error a user gets for an output that cannot be written (exit 2): the target path, what
 * went wrong in words, and the errno in `data`. Errors that are not the filesystem's pass through.
 */
function outputError(target: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' || !code.startsWith('E') || error instanceof InputError) return error;
  const dir = path.dirname(target);
  const why: Record<string, string> = {
    ENOENT: `no directory ${dir}`,
    ENOTDIR: `${dir} is not a directory`,
    EACCES: `no permission to write in ${dir}`,
    EROFS: `${dir} is on a read-only filesystem`,
    ENOSPC: 'no space left on the device',
    EISDIR: 'it is a directory',
    ENOTEMPTY: 'it is a directory',
    EEXIST: 'it is a directory',
  };
  return new InputError('OUTPUT_NOT_WRITABLE', `${target}: cannot write: ${why[code] ?? errnoWords(code)}`, {
    path: target,
    errno: code,
  });
}

/** Refuses a target that is a directory before any byte is written. */
function checkTarget(target: string): void {
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(fsPath(target)).isDirectory();
  } catch {
    // Absent (the usual case) or unreadable: the temporary file's creation says what is wrong.
  }
  if (isDirectory) {
    throw new InputError(
      'OUTPUT_IS_DIRECTORY',
      `${target}: output: expected a file path, found a directory`,
      {
        path: target,
      },
    );
  }
}

/** Opens a new temporary file exclusively (never reusing or following an existing name). */
function openTemp(
  target: string,
  mode: number | undefined,
  tempPath = tempPathFor(target),
): { tempPath: string; fd: number } {
  checkTarget(target);
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = fs.openSync(fsPath(tempPath), flags, mode ?? 0o666);
  } catch (error) {
    throw outputError(target, error);
  }
  // Until it is renamed or removed, a SIGINT/SIGTERM/SIGHUP removes it (util/live-temp-files.ts).
  trackTemp(tempPath);
  try {
    if (mode !== undefined) fs.fchmodSync(fd, mode);
  } catch (error) {
    fs.closeSync(fd);
    removeTemp(tempPath);
    throw error;
  }
  return { tempPath, fd };
}

/** Removes a temporary file and stops tracking it. */
function removeTemp(tempPath: string): void {
  fs.rmSync(fsPath(tempPath), { force: true });
  releaseTemp(tempPath);
}

/** fsyncs the directory so the rename itself survives a crash; some filesystems refuse, which is harmless. */
export function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(fsPath(dir), fs.constants.O_RDONLY);
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Durability of the directory entry is best effort; the file content itself was fsynced.
  }
}

/** Renames `tempPath` over `target` (removing it if that fails), then syncs the directory. */
function renameOver(tempPath: string, target: string, sync = true): void {
  try {
    fs.renameSync(fsPath(tempPath), fsPath(target));
  } catch (error) {
    removeTemp(tempPath);
    throw outputError(target, error);
  }
  releaseTemp(tempPath);
  if (sync) syncDirectory(path.dirname(target));
}

/**
 * Writes `data` to `target` atomically: a temporary file in the same directory is written, fsynced and
 * renamed over `target`. Readers see the old content or the new one, never a mix; a failure (disk full,
 * target is a directory, ...) removes the temporary file and leaves an existing `target` untouched.
 *
 * A SIGINT, SIGTERM or SIGHUP while the temporary file exists removes it and exits 130/143/129.
 *
 * Resolves when the new content is durable. Rejects with InputError OUTPUT_IS_DIRECTORY or
 * OUTPUT_NOT_WRITABLE (exit 2, the errno in `data.errno`).
 *
 * @example
 * await writeFileAtomic('out/config.json', JSON.stringify(config), { mode: 0o644 });
 */
export async function writeFileAtomic(
  target: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const tempPath = tempPathFor(target);
  await writeTemp({ target, data, mode: options.mode }, tempPath);
  renameOver(tempPath, target, options.syncDirectory !== false);
}

/** One file of {@link writeFilesAtomic}. */
export interface AtomicFile {
  target: string;
  data: Uint8Array | string;
  /** Exact permission bits (umask ignored); default `0o666` minus the umask. */
  mode?: number;
}

/** Options of {@link writeFilesAtomic}. */
export interface AtomicFilesOptions {
  /** Sync each directory once after the renames (default true); see {@link AtomicWriteOptions}. */
  syncDirectories?: boolean;
}

/**
 * {@link writeFileAtomic} for several files at once: each temporary file is created and written
 * (small writes, on the caller's thread) and fsynced on the thread pool, all of them together, then
 * each is renamed over its target, then each directory is synced once. As with one file, a target is
 * replaced only by content already durable, and the batch resolves once every rename is too (or,
 * with `syncDirectories: false`, once the caller syncs the directories). A failure removes the
 * temporary files not renamed yet (targets renamed before it stay whole) and rejects like
 * {@link writeFileAtomic}.
 *
 * @example
 * await writeFilesAtomic([{ target: 'out/a.img', data: a }, { target: 'out/a.key', data: key, mode: 0o600 }]);
 */
export async function writeFilesAtomic(
  files: readonly AtomicFile[],
  options: AtomicFilesOptions = {},
): Promise<void> {
  const temps = files.map((file) => tempPathFor(file.target));
  const written = await Promise.allSettled(files.map((file, i) => writeTemp(file, temps[i] as string)));
  const failed = written.find((w): w is PromiseRejectedResult => w.status === 'rejected');
  if (failed) {
    // Those that failed removed their own (writeTemp); the others are removed here.
    for (const [i, w] of written.entries()) if (w.status === 'fulfilled') removeTemp(temps[i] as string);
    throw failed.reason;
  }
  let renamed = 0;
  try {
    for (const [i, file] of files.entries()) {
      renameOver(temps[i] as string, file.target, false);
      renamed += 1;
    }
  } catch (error) {
    for (const temp of temps.slice(renamed)) removeTemp(temp);
    throw error;
  }
  if (options.syncDirectories !== false)
    for (const dir of new Set(files.map((f) => path.dirname(f.target)))) syncDirectory(dir);
}

/**
 * Creates `tempPath` exclusively and writes it (small files: at once), then fsyncs it on the thread
 * pool; tracked until renamed or removed, and removed here when any step fails.
 */
async function writeTemp(file: AtomicFile, tempPath: string): Promise<void> {
  const { fd } = openTemp(file.target, file.mode, tempPath);
  try {
    const bytes = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data;
    try {
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
      // On the thread pool: several outputs in flight share the filesystem's journal commits.
      await new Promise<void>((done, fail) => fs.fsync(fd, (err) => (err ? fail(err) : done())));
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    removeTemp(tempPath);
    throw outputError(file.target, error);
  }
}

/**
 * Opens a write stream whose bytes replace `target` only when `commit()` succeeds. `abort()` (or any
 * stream error before or during `commit()`) removes the temporary file and leaves `target` untouched.
 * The temporary file is created synchronously, so this throws at once if the directory is unwritable.
 *
 * @example
 * const out = createAtomicWriteStream('initrd.img');
 * await pipeline(source, out.stream);
 * await out.commit();
 */
export function createAtomicWriteStream(target: string, options: AtomicWriteOptions = {}): AtomicWriteStream {
  const { tempPath, fd } = openTemp(target, options.mode);
  const stream = fs.createWriteStream(tempPath, { fd, autoClose: false });
  let streamError: Error | undefined;
  stream.on('error', (error) => {
    streamError = error;
  });
  let settled = false;

  // The stream owns the fd: destroy() closes it (whatever autoClose says) once in-flight writes are
  // done, so it is never closed twice or under a pending write.
  const close = async (): Promise<void> => {
    if (stream.closed) return;
    await new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      if (!stream.destroyed) stream.destroy();
    });
  };

  const discard = async (): Promise<void> => {
    await close();
    removeTemp(tempPath);
  };

  const commit = async (): Promise<void> => {
    if (settled) throw new Error(`${target}: atomic write already committed or aborted`);
    settled = true;
    try {
      if (stream.destroyed) {
        // 'error' is emitted after destroy() returns, before 'close': wait to report the real cause.
        await close();
        throw streamError ?? new Error(`${target}: stream was destroyed before commit`);
      }
      if (streamError !== undefined) throw streamError;
      if (!stream.writableFinished) {
        await new Promise<void>((resolve, reject) => {
          stream.once('finish', () => resolve());
          stream.once('error', reject);
          if (!stream.writableEnded) stream.end();
        });
      }
      fs.fsyncSync(fd);
      await close();
      if (streamError !== undefined) throw streamError;
    } catch (error) {
      await discard();
      throw outputError(target, error);
    }
    renameOver(tempPath, target);
  };

  const abort = async (): Promise<void> => {
    if (settled) return;
    settled = true;
    await discard();
  };

  return { stream, tempPath, commit, abort };
}
