import { decodeName, encodeName, hasRawBytes } from '../../util/byte-names.js';
import { NAME_MAX, PATH_MAX as PATH_MAX_WITH_NUL } from '../../util/path-limits.js';
import { stripRoot } from '../../util/strip-root.js';
import type { ExtractRecord } from './context.js';
import { entryError } from './errors.js';

/** PATH_MAX less the NUL: longest path (or symlink body) a syscall accepts, in bytes. */
export const PATH_MAX = PATH_MAX_WITH_NUL - 1;

/** Bytes of `name` on disk; a string of n UTF-16 units never has more than 3n bytes (escaped bytes are 1). */
const byteLength = (name: string): number =>
  hasRawBytes(name) ? encodeName(name).length : Buffer.byteLength(name, 'utf8');

/** An empty, `.` or `..` component (a leading, doubled or trailing `/` makes an empty one). */
const UNCLEAN = /\/\/|^\/|(^|\/)\.{1,2}(\/|$)|\/$/;

/** Whether `name` may exceed `limit` bytes (cheap: most names are far shorter than limit / 3 units). */
const mayExceed = (name: string, limit: number): boolean => name.length * 3 > limit;

/** A member name made safe to join under the destination. */
export interface MemberParts {
  /** Components, none empty, `.` or `..`; empty when the name is the root itself. */
  parts: string[];
  /** The leading `/` or drive prefix that was stripped (empty if none). */
  strippedRoot: string;
}

/**
 * The components a member name is written at below the destination (the extract side's rule; the
 * writer's `normalizeName` in cpio/ gives the archive form instead): strips every leading root (`////`, `./`, `C:`), drops empty and `.`
 * components, and only then looks for `..` (node-tar checked `..` before stripping roots).
 *
 * Returns the components. Refuses (InputError): a NUL in the name (`PATH_INVALID`); any `..`
 * component, even one that would stay inside, like `a/../b` (`PATH_ESCAPE`); more than `maxDepth`
 * components, a component over NAME_MAX or a name over PATH_MAX bytes (`EXTRACT_LIMIT`). Iterative: a
 * name of 100 000 components costs one split, no recursion.
 *
 * @example
 * memberParts(record('//etc/./passwd'), 1024); // { parts: ['etc', 'passwd'], strippedRoot: '//' }
 */
export function memberParts(record: ExtractRecord, maxDepth: number): MemberParts {
  const { name } = record.info;
  if (name.includes('\0')) throw entryError('PATH_INVALID', record, 'expected a name without NUL, got a NUL');
  const nameBytes = mayExceed(name, PATH_MAX) ? byteLength(name) : 0;
  if (nameBytes > PATH_MAX) {
    throw entryError('EXTRACT_LIMIT', record, `name: expected <= ${PATH_MAX} bytes, got ${nameBytes}`);
  }
  const [strippedRoot, rest] = stripRoot(name);
  // A name with no empty, `.` or `..` component (the usual one) is split once, filtered by nothing.
  const parts = UNCLEAN.test(rest)
    ? rest.split('/').filter((part) => part !== '' && part !== '.')
    : rest === ''
      ? []
      : rest.split('/');
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
  // No component can exceed NAME_MAX in a name shorter than NAME_MAX / 3 units.
  const long = mayExceed(rest, NAME_MAX)
    ? parts.find((part) => mayExceed(part, NAME_MAX) && byteLength(part) > NAME_MAX)
    : undefined;
  if (long !== undefined) {
    throw entryError(
      'EXTRACT_LIMIT',
      record,
      `component: expected <= ${NAME_MAX} bytes, got ${byteLength(long)}`,
    );
  }
  return { parts, strippedRoot };
}

/**
 * The target of a symlink record (`info.linkTarget`, exact bytes as the reader decoded them; a record
 * built in memory may carry it as its data instead). Kept verbatim, absolute or
 * not (`/bin/busybox` is normal in an initramfs): it is created, never followed.
 *
 * Refuses: an empty target or one containing NUL (`PATH_INVALID`: symlink(2) cannot store either), a
 * target over PATH_MAX bytes (`EXTRACT_LIMIT`).
 */
export function symlinkTarget(record: ExtractRecord): string {
  const target = record.info.linkTarget ?? ('data' in record ? decodeName(record.data) : '');
  if (target === '')
    throw entryError('PATH_INVALID', record, 'symlink target: expected a non-empty target, got ""');
  if (target.includes('\0')) {
    throw entryError('PATH_INVALID', record, 'symlink target: expected no NUL, got a NUL');
  }
  const bytes = byteLength(target);
  if (bytes > PATH_MAX) {
    throw entryError('EXTRACT_LIMIT', record, `symlink target: expected <= ${PATH_MAX} bytes, got ${bytes}`);
  }
  return target;
}
