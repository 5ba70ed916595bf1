import type { ElfInfo } from '../elf/index.js';
import { isGlibcObject } from './abi.js';
import type { LoadedObject, LoaderRules, SearchOutcome } from './closure.js';
import { expandDst } from './dst.js';
import type { Probe, Prober } from './probe.js';
import type { FoundVia, ResolveOptions } from './types.js';

/** Names musl answers with itself: lib{c,pthread,rt,m,dl,util,xnet}.* (ldso/dynlink.c `reserved`). */
const RESERVED = ['c.', 'pthread.', 'rt.', 'm.', 'dl.', 'util.', 'xnet.'];

/** True when musl's loader maps `name` to itself (libc.so, libpthread.so.0, libc.musl-x86_64.so.1...). */
export function isMuslReserved(name: string): boolean {
  return name.startsWith('lib') && RESERVED.some((r) => name.startsWith(r, 3));
}

/**
 * Whether a candidate fits a musl binary. musl itself opens the first file of that name and fails when it
 * cannot map it; this resolver passes over a wrong class, byte order or machine, and any glibc library,
 * so that a glibc library is never reported as a musl binary's dependency.
 */
function verifyMusl(p: Probe, want: ElfInfo): string | null {
  if (!p.info) return p.problem?.message ?? 'not an ELF object';
  const i = p.info;
  if (i.class !== want.class || i.endian !== want.endian || i.machine !== want.machine) {
    return `wrong ELF class/byte order/machine: ${i.class}-bit ${i.endian}-endian ${i.machineName}`;
  }
  if (i.type !== 'dyn') return `not a shared object (e_type ${i.type})`;
  if (isGlibcObject(i)) return 'a glibc library (needs libc.so.6 or ld-linux), never loaded by musl';
  return null;
}

/** musl's search rules (ldso/dynlink.c `load_library`) for one binary's closure. */
export class MuslRules implements LoaderRules {
  constructor(
    private readonly prober: Prober,
    private readonly sysPath: readonly string[],
    private readonly main: LoadedObject,
    private readonly opts: ResolveOptions,
  ) {}

  isSelf(name: string): boolean {
    return isMuslReserved(name);
  }

  /** musl matches loaded objects by the name they were found under (their shortname), never by DT_SONAME. */
  answers(o: LoadedObject, name: string): boolean {
    return o !== this.main && o.names.has(name);
  }

  search(loader: LoadedObject, name: string): SearchOutcome {
    const out: SearchOutcome = { found: null, searched: [], rejected: [] };
    if (name.includes('/')) {
      this.tryPath(name, 'direct', out);
      return out;
    }
    if (this.opts.ldLibraryPath && this.tryDirs(this.opts.ldLibraryPath, name, 'ld-library-path', out))
      return out;
    // Every object up the needed_by chain contributes its DT_RUNPATH, or DT_RPATH when it has none.
    for (let p: LoadedObject | null = loader; p; p = p.loader) {
      const dirs = this.rpathOf(p);
      if (dirs && this.tryDirs(dirs, name, p.info.runpath.length > 0 ? 'runpath' : 'rpath', out)) return out;
    }
    this.tryDirs(this.sysPath, name, 'musl-path', out);
    return out;
  }

  /** musl's fixup_rpath: only $ORIGIN is expanded; a path using any other `$` token is ignored whole. */
  private rpathOf(p: LoadedObject): string[] | null {
    const raw = (p.info.runpath.length > 0 ? p.info.runpath : p.info.rpath).join(':');
    if (raw === '') return null;
    const tokens = raw.match(/\$(\{ORIGIN\}|ORIGIN)?/g) ?? [];
    if (tokens.some((t) => t === '$')) return null;
    const expanded = expandDst(raw, { ORIGIN: p.origin }, ['ORIGIN']);
    return expanded === null ? null : expanded.split(/[:\n]/);
  }

  private tryDirs(dirs: readonly string[], name: string, via: FoundVia, out: SearchOutcome): boolean {
    for (const dir of dirs) {
      if (dir === '') continue;
      if (this.tryPath(`${dir}/${name}`, via, out)) return true;
    }
    return false;
  }

  private tryPath(path: string, via: FoundVia, out: SearchOutcome): boolean {
    out.searched.push(path);
    const p = this.prober.probe(path);
    if (!p.resolved.ok) return false;
    const reason = verifyMusl(p, this.main.info);
    if (reason === null && p.info) {
      out.found = { probe: p as NonNullable<SearchOutcome['found']>['probe'], via };
      return true;
    }
    out.rejected.push({ path, reason: reason ?? 'unreadable' });
    return false;
  }
}
