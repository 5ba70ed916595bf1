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
