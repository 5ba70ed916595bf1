/**
 * Path lookup the way Linux namei does it, over any tree that can answer "what is at this real path":
 * components walked one by one from the root (rootfs is the process root and its cwd during
 * unpacking, so `x`, `./x` and `/x` name the same file), symlinks followed in intermediate
 * components (and in the last one when asked), `..` at the root staying at the root, and at most
 * {@link MAX_SYMLINKS} links per lookup (ELOOP beyond).
 */
import type { EntryType } from '../cpio/index.js';
import { NAME_MAX } from '../util/path-limits.js';

/** Linux `MAXSYMLINKS` (include/linux/namei.h): links followed in one lookup before ELOOP. */
export const MAX_SYMLINKS = 40;

export { NAME_MAX, PATH_MAX } from '../util/path-limits.js';

/** What a lookup needs to know about one real path. */
export interface WalkEntry {
  type: EntryType;
  linkTarget?: string;
}

/** Answers what is at a real (symlink-free) absolute path; `/` must answer a directory. */
export type Lookup = (path: string) => WalkEntry | undefined;

/** Why a lookup failed, with the errno Linux would give. */
export type WalkError = 'ENOENT' | 'ENOTDIR' | 'ELOOP' | 'ENAMETOOLONG';

/** Outcome of {@link walkPath}; `escaped` is true when a `..` tried to climb above the root. */
export type WalkResult =
  | { ok: true; path: string; escaped: boolean; hops: number }
  | { ok: false; error: WalkError; at: string; escaped: boolean; hops: number };

/** Splits a name into its components, dropping empty ones (`a//b/` is `a`, `b`). */
export function splitName(name: string): string[] {
  const parts = name.split('/');
  // The usual record name (`usr/lib/x`: no empty component) needs no filtering.
  const plain =
    name !== '' &&
    name.charCodeAt(0) !== 0x2f &&
    name.charCodeAt(name.length - 1) !== 0x2f &&
    !name.includes('//');
  return plain ? parts : parts.filter((c) => c !== '');
}

/** Joins a real directory path and one component. */
export function joinPath(dir: string, comp: string): string {
  return dir === '/' ? `/${comp}` : `${dir}/${comp}`;
}

/** The real parent of a real path (`/` for top-level paths and for `/` itself). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/**
 * Resolves `path` to the real path it names. Relative paths start at `from` (default `/`), absolute
 * ones and absolute link targets at `/`. Returns the real path on success; refuses with ENOENT (a
 * component or an empty link target missing), ENOTDIR (walking through a non-directory), ELOOP, or
 * ENAMETOOLONG (a component over {@link NAME_MAX} bytes).
 * @example walkPath(lookup, '/lib/x', { followFinal: false }) // { ok: true, path: '/usr/lib/x', ... }
 */
export function walkPath(
  lookup: Lookup,
  path: string,
  options: { followFinal: boolean; from?: string },
): WalkResult {
  let cur = path.startsWith('/') ? '/' : (options.from ?? '/');
  const pending = splitName(path).reverse();
  let hops = 0;
  let escaped = false;
  const fail = (error: WalkError, at: string): WalkResult => ({ ok: false, error, at, escaped, hops });
  while (pending.length > 0) {
    const comp = pending.pop() as string;
    const here = lookup(cur);
    if (!here) return fail('ENOENT', cur);
    if (here.type !== 'directory') return fail('ENOTDIR', cur);
    if (comp === '.') continue;
    if (Buffer.byteLength(comp) > NAME_MAX) return fail('ENAMETOOLONG', joinPath(cur, comp));
    if (comp === '..') {
      // The root's `..` is the root itself (fs/namei.c follow_dotdot stops at the process root).
      if (cur === '/') escaped = true;
      else cur = parentPath(cur);
      continue;
    }
    const next = joinPath(cur, comp);
    const entry = lookup(next);
    if (!entry) return fail('ENOENT', next);
    if (entry.type === 'symlink' && (pending.length > 0 || options.followFinal)) {
      hops += 1;
      if (hops > MAX_SYMLINKS) return fail('ELOOP', next);
      const target = entry.linkTarget ?? '';
      if (target === '') return fail('ENOENT', next);
      if (target.startsWith('/')) cur = '/';
      pending.push(...splitName(target).reverse());
      continue;
    }
    cur = next;
  }
  if (path.endsWith('/') && lookup(cur)?.type !== 'directory') return fail('ENOTDIR', cur);
  return { ok: true, path: cur, escaped, hops };
}

/** Outcome of {@link walkParent}: the real directory holding the last component, and that component. */
export type ParentResult =
  | { ok: true; dir: string; final: string | null; trailingSlash: boolean; escaped: boolean }
  | { ok: false; error: WalkError; at: string; escaped: boolean };

/**
 * Resolves everything but the last component of a record name, following symlinks, as the kernel's
 * create calls do (the last component itself is never followed by mkdir/mknod/symlink/link).
 * `final` is null when the name has no component at all (`/`, `.//`): it names the root. Refuses an
 * empty name (ENOENT), a component over {@link NAME_MAX} bytes, and a parent that is missing, not a
 * directory, or a symlink loop.
 */
export function walkParent(lookup: Lookup, name: string, cache?: ParentCache): ParentResult {
  const comps = splitName(name);
  const trailingSlash = name.endsWith('/') && comps.length > 0;
  if (comps.length === 0) {
    if (name === '') return { ok: false, error: 'ENOENT', at: '', escaped: false };
    return { ok: true, dir: '/', final: null, trailingSlash: false, escaped: false };
  }
  const final = comps.pop() as string;
  if (Buffer.byteLength(final) > NAME_MAX)
    return { ok: false, error: 'ENAMETOOLONG', at: final, escaped: false };
  const key = comps.join('/');
  const known = cache?.get(key);
  if (known !== undefined) return { ok: true, dir: known.dir, final, trailingSlash, escaped: known.escaped };
  const walked = walkPath(lookup, key, { followFinal: true });
  if (!walked.ok) return walked;
  if (lookup(walked.path)?.type !== 'directory') {
    return { ok: false, error: 'ENOTDIR', at: walked.path, escaped: walked.escaped };
  }
  cache?.set(key, { dir: walked.path, escaped: walked.escaped });
  return { ok: true, dir: walked.path, final, trailingSlash, escaped: walked.escaped };
}

/**
 * Parent names already resolved to a real directory, so a deep tree costs one look-up per record
 * instead of a walk from the root (2,000 nested directories: linear, not cubic). Only successes are
 * kept; the owner clears it whenever a name is removed (the only way a resolved path can change:
 * adding a name never changes where an existing path leads).
 */
export type ParentCache = Map<string, { dir: string; escaped: boolean }>;
