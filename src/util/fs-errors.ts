import { InputError } from '../errors/index.js';

/**
 * The filesystem's errno codes in words, for messages a person reads ("read-only file system", not
 * `EROFS`). The code itself stays in the error's `data.errno` for programs.
 */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EXDEV: 'not on the same file system',
  EBUSY: 'device or resource busy',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EINVAL: 'invalid argument',
  ETXTBSY: 'text file busy',
  EAGAIN: 'resource temporarily unavailable',
};

/** The errno of a Node fs error, or undefined for anything else. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** "read-only file system" for EROFS; the code itself when it has no words here. */
export function errnoWords(code: string): string {
  return WORDS[code] ?? code;
}

/** The errno of `err` in words, or the error as text when it is not an fs error (for messages). */
export function errnoText(err: unknown): string {
  const errno = errnoOf(err);
  return errno === undefined ? String(err) : errnoWords(errno);
}

/**
 * Turns a filesystem failure into the user's situation: an {@link InputError} (exit 2) that says
 * what was being done to which path and why, e.g. `/sys/kernel/x: cannot create directory: operation
 * not permitted`. Anything that is not an fs error is returned unchanged (a bug stays a bug).
 *
 * @param action what was being done, as words: "cannot read", "cannot create directory", ...
 */
export function fsError(err: unknown, path: string, action: string, code = 'FS_ERROR'): unknown {
  const errno = errnoOf(err);
  if (errno === undefined) return err;
  return new InputError(code, `${path}: ${action}: ${errnoWords(errno)}`, { path, errno });
}

/** Runs `fn`; an fs failure becomes an {@link fsError}. */
export function withFsError<T>(path: string, action: string, fn: () => T, code = 'FS_ERROR'): T {
  try {
    return fn();
  } catch (err) {
    throw fsError(err, path, action, code);
  }
}

/** The async form of {@link withFsError}. */
export async function withFsErrorAsync<T>(
  path: string,
  action: string,
  fn: () => Promise<T>,
  code = 'FS_ERROR',
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fsError(err, path, action, code);
  }
}

/** What each syscall was doing, in words, for {@link nodeFsError}. */
const ACTIONS: Readonly<Record<string, string>> = {
  open: 'cannot open',
  read: 'cannot read',
  write: 'cannot write',
  stat: 'cannot read',
  lstat: 'cannot read',
  scandir: 'cannot read directory',
  readlink: 'cannot read link',
  mkdir: 'cannot create directory',
  mkdtemp: 'cannot create directory',
  rename: 'cannot rename',
  unlink: 'cannot remove',
  rmdir: 'cannot remove',
  rm: 'cannot remove',
  copyfile: 'cannot copy',
  cp: 'cannot copy',
  chmod: 'cannot change mode',
  link: 'cannot link',
  symlink: 'cannot create link',
  fsync: 'cannot write',
};

/**
 * A Node fs error that carries its own path (`err.path`, `err.syscall`) as the one-line InputError
 * of {@link fsError}, e.g. `/sys/kernel/x: cannot create directory: operation not permitted`. For a
 * library that does many fs calls and wants every one of them to be the user's situation, not a bug.
 * Anything else (no errno, no path) is returned unchanged.
 */
export function nodeFsError(err: unknown, code = 'FS_ERROR'): unknown {
  const e = err as NodeJS.ErrnoException | null;
  if (errnoOf(err) === undefined || typeof e?.path !== 'string') return err;
  const action = ACTIONS[e.syscall ?? ''] ?? (e.syscall ? `cannot ${e.syscall}` : 'cannot access');
  return fsError(err, e.path, action, code);
}

/** Runs `fn`; an fs failure that names its path becomes a {@link nodeFsError}. */
export async function withNodeFsErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw nodeFsError(err);
  }
}
