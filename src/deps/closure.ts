import type { ElfInfo } from '../elf/index.js';
import type { Probe } from './probe.js';
import type { DepEdge, DepLibrary, FoundVia } from './types.js';

/** An object in the loader's list (glibc's link_map, musl's dso), as the walk needs it. */
export interface LoadedObject {
  /** Index in the closure's libraries; -1 for the binary itself. */
  index: number;
  /** Path as opened (the loader's string, symlinks unresolved). */
  path: string;
  realPath: string;
  /** File identity, so one file found under two names is loaded once (glibc and musl compare dev/ino). */
  id: string;
  info: ElfInfo;
  /** Names it answers to: names it was requested by, its DT_SONAME, the interpreter path. */
  names: Set<string>;
  /** The object whose DT_NEEDED loaded it (glibc's l_loader, musl's needed_by). */
  loader: LoadedObject | null;
  /** `$ORIGIN`: the directory of `path`; for the binary itself the directory of its real path (/proc/self/exe). */
  origin: string;
  lib: DepLibrary | null;
}

/** What one search for a name produced. */
export interface SearchOutcome {
  found: { probe: Probe & { info: ElfInfo; resolved: { ok: true } }; via: FoundVia } | null;
  searched: string[];
  rejected: { path: string; reason: string }[];
  error?: string;
  hint?: string;
}

/** The part of a loader that differs between glibc and musl. */
export interface LoaderRules {
  /** A name the loader answers with itself (musl's reserved libc names), checked before anything else. */
  isSelf(name: string): boolean;
  /** Whether an already loaded object answers to `name`. */
  answers(o: LoadedObject, name: string): boolean;
  /** Searches for `name` needed by `loader`. */
  search(loader: LoadedObject, name: string): SearchOutcome;
}

/** Most objects one closure may hold: far beyond any real program, a bound on hostile trees. */
const MAX_OBJECTS = 20_000;

/** Builds the library entry of a found object. */
export function foundLibrary(name: string, out: SearchOutcome, requiredBy: string): DepLibrary {
  const f = out.found;
  if (f === null) throw new Error('foundLibrary: nothing found');
  const r = f.probe.resolved as Extract<Probe['resolved'], { ok: true }>;
  const names = [name];
  if (f.probe.info.soname !== undefined && f.probe.info.soname !== name) names.push(f.probe.info.soname);
  return {
    soname: name,
    names,
    path: f.probe.path,
    realPath: r.path,
    chain: [...r.links, r.path],
    via: f.via,
    searched: out.searched,
    rejected: out.rejected,
    requiredBy: [requiredBy],
    needed: [],
    elf: f.probe.info,
  };
}

function addUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/**
 * Walks the closure in the loader's order: breadth first from the binary, each DT_NEEDED first matched
 * against the objects already loaded (by name, then by file identity after a search), as glibc's
 * `_dl_map_object_deps` and musl's `load_deps` do. Names found nowhere become entries with a null path.
 */
export function walkClosure(
  main: LoadedObject,
  interp: LoadedObject | null,
  rules: LoaderRules,
  originOf: (path: string) => string,
  preloaded: LoadedObject | null = null,
): { libraries: DepLibrary[]; needed: DepEdge[] } {
  const loaded: LoadedObject[] = [main];
  const libraries: DepLibrary[] = [];
  if (interp?.lib) {
    loaded.push(interp);
    libraries.push(interp.lib);
  }
  // Loaded before this object but not by it (the interpreter of whatever program loads a library):
  // listed only once a DT_NEEDED names it.
  if (preloaded?.lib) loaded.push(preloaded);
  const missing = new Map<string, number>();
  const queue: LoadedObject[] = [main];
  let mainEdges: DepEdge[] = [];

  const map = (loader: LoadedObject, name: string): number => {
    const hit = (o: LoadedObject): number => {
      if (o === preloaded && o.lib && !libraries.includes(o.lib)) {
        o.index = libraries.length;
        libraries.push(o.lib);
        o.lib.requiredBy = [];
      }
      if (o.lib) addUnique(o.lib.requiredBy, loader.path);
      return o.index;
    };
    if (interp && rules.isSelf(name)) {
      interp.names.add(name);
      if (interp.lib) addUnique(interp.lib.names, name);
      return hit(interp);
    }
    for (const o of loaded) if (rules.answers(o, name)) return hit(o);
    const out = rules.search(loader, name);
    if (out.found === null || libraries.length >= MAX_OBJECTS) {
      const known = missing.get(name);
      if (known !== undefined) {
        addUnique((libraries[known] as DepLibrary).requiredBy, loader.path);
        return known;
      }
      const lib: DepLibrary = {
        soname: name,
        names: [name],
        path: null,
        realPath: null,
        chain: [],
        via: null,
        searched: out.searched,
        rejected: out.rejected,
        requiredBy: [loader.path],
        needed: [],
      };
      if (out.error !== undefined) lib.error = out.error;
      else if (libraries.length >= MAX_OBJECTS) lib.error = `closure larger than ${MAX_OBJECTS} objects`;
      if (out.hint !== undefined) lib.hint = out.hint;
      libraries.push(lib);
      missing.set(name, libraries.length - 1);
      return libraries.length - 1;
    }
    const r = out.found.probe.resolved;
    const id = r.stat.id ?? r.path;
    for (const o of loaded) {
      if (o.id === id) {
        o.names.add(name);
        if (o.lib) addUnique(o.lib.names, name);
        return hit(o);
      }
    }
    const lib = foundLibrary(name, out, loader.path);
    const obj: LoadedObject = {
      index: libraries.length,
      path: out.found.probe.path,
      realPath: r.path,
      id,
      info: out.found.probe.info,
      names: new Set(lib.names),
      loader,
      origin: originOf(out.found.probe.path),
      lib,
    };
    libraries.push(lib);
    loaded.push(obj);
    queue.push(obj);
    return obj.index;
  };

  for (let i = 0; i < queue.length; i++) {
    const obj = queue[i] as LoadedObject;
    const edges = obj.info.needed.map((name) => ({ name, target: map(obj, name) }));
    if (obj === main) mainEdges = edges;
    else if (obj.lib) obj.lib.needed = edges;
  }
  return { libraries, needed: mainEdges };
}
