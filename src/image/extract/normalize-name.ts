import type { CpioRecord } from '../../cpio/index.js';
import { stripRoot } from '../../util/strip-root.js';
import { entryError } from './errors.js';

/** Linux NAME_MAX: longest single component, in bytes. */
export const NAME_MAX = 255;
/** Linux PATH_MAX less the NUL: longest path (or symlink body) a syscall accepts, in bytes. */
export const PATH_MAX = 4095;

/** A member name made safe to join under the destination. */
export interface NormalizedName {
  /** Components, none empty, `.` or `..`; empty when the name is the root itself. */
  parts: string[];
  /** The leading `/` or drive prefix that was stripped (empty if none). */
  strippedRoot: string;
}

/**
 * Normalises a record's name: strips every leading root (`////`, `./`, `C:`), drops empty and `.`
 * components, and only then looks for `..` (node-tar checked `..` before stripping roots).
 *
 * Returns the components. Refuses (InputError): a NUL in the name (`PATH_INVALID`); any `..`
 * component, even one that would stay inside, like `a/../b` (`PATH_ESCAPE`); more than `maxDepth`
 * components, a component over NAME_MAX or a name over PATH_MAX bytes (`EXTRACT_LIMIT`). Iterative: a
 * name of 100 000 components costs one split, no recursion.
 *
 * @example
 * normalizeName(record('//etc/./passwd'), 1024); // { parts: ['etc', 'passwd'], strippedRoot: '//' }
 */
export function normalizeName(record: CpioRecord, maxDepth: number): NormalizedName {
  const { name } = record.info;
  if (name.includes('\0')) throw entryError('PATH_INVALID', record, 'expected a name without NUL, got a NUL');
  if (Buffer.byteLength(name) > PATH_MAX) {
    throw entryError(
      'EXTRACT_LIMIT',
      record,
      `name: expected <= ${PATH_MAX} bytes, got ${Buffer.byteLength(name)}`,
    );
  }
  const [strippedRoot, rest] = stripRoot(name);
  const parts = rest.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    throw entryError('PATH_ESCAPE', record, 'expected a path inside the root, got a ".." component');
  }
  if (parts.length > maxDepth) {
    throw entryError(
      'EXTRACT_LIMIT',
      record,
      `depth: expected <= ${maxDepth} components, got ${parts.length}`,
    );
  }
  const long = parts.find((part) => Buffer.byteLength(part) > NAME_MAX);
  if (long !== undefined) {
    throw entryError(
      'EXTRACT_LIMIT',
      record,
      `component: expected <= ${NAME_MAX} bytes, got ${Buffer.byteLength(long)}`,
    );
  }
  return { parts, strippedRoot };
}

/**
 * The target of a symlink record: `info.linkTarget`, else its data as UTF-8. Kept verbatim, absolute or
 * not (`/bin/busybox` is normal in an initramfs): it is created, never followed.
 *
 * Refuses: an empty target or one containing NUL (`PATH_INVALID`: symlink(2) cannot store either), a
 * target over PATH_MAX bytes (`EXTRACT_LIMIT`).
 */
export function symlinkTarget(record: CpioRecord): string {
  const target = record.info.linkTarget ?? Buffer.from(record.data).toString('utf8');
  if (target === '')
    throw entryError('PATH_INVALID', record, 'symlink target: expected a non-empty target, got ""');
  if (target.includes('\0')) {
    throw entryError('PATH_INVALID', record, 'symlink target: expected no NUL, got a NUL');
  }
  const bytes = Buffer.byteLength(target);
  if (bytes > PATH_MAX) {
    throw entryError('EXTRACT_LIMIT', record, `symlink target: expected <= ${PATH_MAX} bytes, got ${bytes}`);
  }
  return target;
}
