import type { WriteEntry } from '../cpio/index.js';

const MAX_HOPS = 40;

/**
 * Rewrites each entry whose parent path crosses a symlink of the same image to the path the symlink
 * leads to: with `lib -> usr/lib` in the image, `lib/modules/x` becomes `usr/lib/modules/x`.
 *
 * The kernel follows such symlinks when it unpacks (its path walk resolves intermediate components),
 * so the booted tree is the same either way; but a record under a symlink is one that careful
 * extractors refuse (ours, node-tar) and that lists confusingly. Symlinks themselves are kept.
 * A link that loops, or leads outside the image, is left alone (the verifier reports it). Pure.
 */
export function resolveParentSymlinks(entries: readonly WriteEntry[]): WriteEntry[] {
  const links = new Map<string, string>();
  for (const e of entries)
    if (e.info.type === 'symlink' && e.info.linkTarget !== undefined)
      links.set(e.info.name, e.info.linkTarget);
  if (links.size === 0) return [...entries];
  return entries.map((e) => {
    const slash = e.info.name.lastIndexOf('/');
    if (slash < 0) return e;
    const parent = resolveDir(e.info.name.slice(0, slash), links);
    if (parent === null) return e;
    const name = `${parent}/${e.info.name.slice(slash + 1)}`;
    return name === e.info.name ? e : { ...e, info: { ...e.info, name } };
  });
}

/** Resolves every component of a directory path through the image's symlinks; null if it escapes or loops. */
function resolveDir(dir: string, links: ReadonlyMap<string, string>): string | null {
  let pending = dir.split('/');
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (done.length === 0) return null;
      done.pop();
      continue;
    }
    const here = [...done, part].join('/');
    const target = links.get(here);
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++hops > MAX_HOPS) return null;
    if (target.startsWith('/')) done.length = 0;
    pending = [...target.split('/'), ...pending];
  }
  return done.join('/');
}
