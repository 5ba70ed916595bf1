/** What a record name designates in the tree being built, and what is odd about its form. */
import { joinPath, type Lookup, type ParentCache, parentPath, splitName, walkParent } from './path-walk.js';
import type { UnpackNoteKind } from './types.js';

/** What a record's name designates once its parent is resolved. */
export type Where =
  | { ok: true; path: string; itself: boolean; trailingSlash: boolean; escaped: boolean }
  | { ok: false; path: string; why: string; escaped: boolean };

/**
 * Resolves a record name the way the kernel's create calls do: every component but the last walked
 * from the root with symlinks followed. Returns the real path it designates (`itself` when the name
 * ends in `.`/`..` or is the root: it names an existing directory), or why the parent is unusable.
 */
export function locateName(lookup: Lookup, name: string, cache?: ParentCache): Where {
  const comps = splitName(name);
  const shown = `/${comps.join('/')}`;
  const parent = walkParent(lookup, name, cache);
  if (!parent.ok) {
    return {
      ok: false,
      path: shown,
      why: `${parent.error} at ${parent.at || '(empty name)'}`,
      escaped: parent.escaped,
    };
  }
  const { dir, final, trailingSlash, escaped } = parent;
  if (final === null || final === '.') return { ok: true, path: dir, itself: true, trailingSlash, escaped };
  if (final === '..') {
    return {
      ok: true,
      path: parentPath(dir),
      itself: true,
      trailingSlash,
      escaped: escaped || dir === '/',
    };
  }
  return { ok: true, path: joinPath(dir, final), itself: false, trailingSlash, escaped };
}

/** A `.` or `..` component anywhere in a name. */
const DOT_COMPONENT = /(?:^|\/)\.\.?(?:\/|$)/;

/**
 * Notes about the form of a record name: a `./` or `/` prefix (harmless to the kernel, refused by
 * our writer), a `..` climbing above the root, `.`/`..` components, a trailing slash.
 */
export function nameNotes(name: string, where: Where): [UnpackNoteKind, string][] {
  const notes: [UnpackNoteKind, string][] = [];
  if (name.startsWith('/') || name.startsWith('./')) {
    notes.push([
      'prefixed-name',
      `stored as "${name}"; the kernel resolves it from / like "${splitName(name).join('/')}"`,
    ]);
  }
  if (where.escaped) {
    notes.push(['unsafe-name', `"${name}" climbs above the root; the kernel resolves it at /`]);
  } else if (DOT_COMPONENT.test(name.replace(/^(\.?\/)+/, ''))) {
    notes.push(['unsafe-name', `"${name}" is not normalised (it has "." or ".." components)`]);
  } else if (where.ok && where.trailingSlash) {
    notes.push(['unsafe-name', `"${name}" ends with "/"`]);
  }
  return notes;
}
