import type { ElfKnown, FsStat, FsView } from './fs-view.js';

/** Symlinks followed in one resolution before giving up, as Linux (ELOOP after 40). */
export const MAX_SYMLINK_HOPS = 40;

/** A path resolved inside a view: its canonical form, its type, and every symlink crossed on the way. */
export type Resolved =
  | { ok: true; path: string; type: FsStat['type']; stat: FsStat; links: string[] }
  | { ok: false; reason: 'ENOENT' | 'ENOTDIR' | 'ELOOP'; at: string; links: string[] };

function split(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * Resolves `input` (absolute, or relative to `cwd`) component by component inside `view`, as the kernel's
 * path walk does, but with `/` being the view's root: an absolute symlink target restarts at that root and
 * `..` never climbs above it. `links` lists the canonical path of each symlink crossed, in order. With
 * `followLast` false a final symlink is returned itself. Never throws for missing entries or loops.
 */
export function resolveIn(view: FsView, input: string, followLast: boolean, cwd = '/'): Resolved {
  const pending = split(input.startsWith('/') ? input : `${cwd}/${input}`);
  const cur: string[] = [];
  const links: string[] = [];
  let hops = 0;
  let stat: FsStat = { type: 'directory', size: 0 };
  while (pending.length > 0) {
    const c = pending.shift() as string;
    if (c === '..') {
      cur.pop();
      stat = { type: 'directory', size: 0 };
      continue;
    }
    const here = `/${[...cur, c].join('/')}`;
    const st = view.lstat(here);
    if (st === null) return { ok: false, reason: 'ENOENT', at: here, links };
    const last = pending.length === 0;
    if (st.type === 'symlink' && (!last || followLast)) {
      if (++hops > MAX_SYMLINK_HOPS) return { ok: false, reason: 'ELOOP', at: here, links };
      links.push(here);
      let target: string;
      try {
        target = view.readlink(here);
      } catch {
        return { ok: false, reason: 'ENOENT', at: here, links };
      }
      if (target.startsWith('/')) cur.length = 0;
      pending.unshift(...split(target));
      // A link to "/" or "." leaves nothing to walk: its result is the directory reached so far.
      stat = { type: 'directory', size: 0 };
      continue;
    }
    if (!last && st.type !== 'directory') return { ok: false, reason: 'ENOTDIR', at: here, links };
    cur.push(c);
    stat = st;
  }
  const final = `/${cur.join('/')}`;
  if (cur.length === 0) stat = view.lstat('/') ?? { type: 'directory', size: 0 };
  return { ok: true, path: final, type: stat.type, stat, links };
}

/**
 * A caching wrapper of a view for one resolution run: `lstat`/`readlink` answers are remembered, so the
 * thousands of lookups of a closure walk touch each directory entry once.
 */
export class CachedView implements FsView {
  private readonly stats = new Map<string, FsStat | null>();
  private readonly targets = new Map<string, string>();
  constructor(readonly inner: FsView) {}

  lstat(p: string): FsStat | null {
    let s = this.stats.get(p);
    if (s === undefined) {
      s = this.inner.lstat(p);
      this.stats.set(p, s);
    }
    return s;
  }

  readlink(p: string): string {
    let t = this.targets.get(p);
    if (t === undefined) {
      t = this.inner.readlink(p);
      this.targets.set(p, t);
    }
    return t;
  }

  read(p: string, start?: number, length?: number): Uint8Array {
    return this.inner.read(p, start, length);
  }

  readdir(p: string): string[] {
    return this.inner.readdir?.(p) ?? [];
  }

  elf(p: string): ElfKnown | undefined {
    return this.inner.elf?.(p);
  }

  /** Resolves a path inside the view ({@link resolveIn}) through this cache. */
  resolve(p: string, followLast = true, cwd = '/'): Resolved {
    return resolveIn(this, p, followLast, cwd);
  }
}
