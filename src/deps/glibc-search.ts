import type { ElfInfo } from '../elf/index.js';
import { DF_1 } from '../elf/index.js';
import { cacheFlagsAccepted } from './abi.js';
import type { LoadedObject, LoaderRules, SearchOutcome } from './closure.js';
import { expandDst } from './dst.js';
import { lookupLdSoCache } from './ld-so-cache.js';
import type { GlibcSetup } from './loader-setup.js';
import type { Probe, Prober } from './probe.js';
import type { FoundVia, ResolveOptions } from './types.js';

type Verdict = { ok: true } | { skip: string } | { fatal: string };

/**
 * What glibc's `open_verify` does with a candidate: a wrong ELF class or machine is passed over silently
 * (the search goes on); anything else wrong (not ELF, other byte order, bad OS ABI, not ET_DYN) stops
 * the load with an error.
 */
export function verifyGlibc(p: Probe, want: ElfInfo): Verdict {
  if (!p.info) return { fatal: p.problem?.message ?? `${p.path}: not an ELF object` };
  const i = p.info;
  if (i.class !== want.class) return { skip: `wrong ELF class: ELFCLASS${i.class}` };
  if (i.endian !== want.endian)
    return { fatal: `${p.path}: ELF file data encoding not ${want.endian}-endian` };
  if (i.version !== 1) return { fatal: `${p.path}: ELF file version does not match current one` };
  if (i.osabi !== 0 && i.osabi !== 3) return { fatal: `${p.path}: ELF file OS ABI invalid (${i.osabi})` };
  if (i.osabi === 0 && i.abiVersion !== 0) return { fatal: `${p.path}: ELF file ABI version invalid` };
  if (!i.identPaddingZero) return { fatal: `${p.path}: nonzero padding in e_ident` };
  if (i.machine !== want.machine) return { skip: `wrong machine: ${i.machineName}` };
  if (i.type !== 'dyn')
    return { fatal: `${p.path}: only ET_DYN objects can be loaded as libraries (e_type ${i.type})` };
  return { ok: true };
}

/** glibc's search rules (elf/dl-load.c `_dl_map_object`) for one binary's closure. */
export class GlibcRules implements LoaderRules {
  private readonly acceptFlags: (flags: number) => boolean;
  private readonly subdirs: string[];

  constructor(
    private readonly prober: Prober,
    private readonly setup: GlibcSetup,
    private readonly main: LoadedObject,
    private readonly opts: ResolveOptions,
    private readonly platform: string | undefined,
  ) {
    this.acceptFlags = cacheFlagsAccepted(main.info);
    this.subdirs = [...(opts.hwcaps ?? []).map((h) => `glibc-hwcaps/${h}/`), ''];
  }

  isSelf(): boolean {
    return false;
  }

  answers(o: LoadedObject, name: string): boolean {
    return o.names.has(name) || o.path === name || o.info.soname === name;
  }

  search(loader: LoadedObject, name: string): SearchOutcome {
    const out: SearchOutcome = { found: null, searched: [], rejected: [] };
    if (name.includes('/')) {
      const path = expandDst(name, this.dst(loader));
      if (path === null) return { ...out, error: `${name}: cannot expand its dynamic string token` };
      this.tryPath(path, 'direct', out);
      return out;
    }
    // DT_RPATH of the loader, then of its loader and on up, only when the loader has no DT_RUNPATH;
    // an object with DT_RUNPATH has its DT_RPATH ignored (elf/get-dynamic-info.h).
    if (loader.info.runpath.length === 0) {
      for (let l: LoadedObject | null = loader; l; l = l.loader) {
        if (
          l.info.rpath.length > 0 &&
          l.info.runpath.length === 0 &&
          this.tryDirs(this.expand(l.info.rpath, l), name, 'rpath', out)
        )
          return out;
      }
    }
    if (this.opts.ldLibraryPath && this.opts.ldLibraryPath.length > 0) {
      if (this.tryDirs(this.expand(this.opts.ldLibraryPath, this.main), name, 'ld-library-path', out))
        return out;
    }
    if (
      loader.info.runpath.length > 0 &&
      this.tryDirs(this.expand(loader.info.runpath, loader), name, 'runpath', out)
    )
      return out;
    const nodeflib = (loader.info.flags1 & DF_1.NODEFLIB) !== 0;
    if (this.setup.cache) {
      const entry = lookupLdSoCache(this.setup.cache, name, this.acceptFlags, this.opts.hwcaps);
      if (entry) {
        if (nodeflib && this.setup.systemDirs.some((d) => entry.path.startsWith(d))) {
          out.rejected.push({
            path: entry.path,
            reason: 'DF_1_NODEFLIB: cache entry in a trusted directory',
          });
        } else if (this.tryPath(entry.path, 'ld.so.cache', out)) return out;
      }
    } else if (this.opts.ldSoConfFallback && this.tryDirs(this.setup.confDirs, name, 'ld.so.conf', out))
      return out;
    if (!nodeflib && this.tryDirs(this.setup.systemDirs, name, 'default-path', out)) return out;
    if (!out.error) out.hint = this.hint(name);
    return out;
  }

  private dst(l: LoadedObject): { ORIGIN: string; LIB: string; PLATFORM?: string } {
    return {
      ORIGIN: l.origin,
      LIB: this.setup.lib,
      ...(this.platform === undefined ? {} : { PLATFORM: this.platform }),
    };
  }

  /** Path list elements with tokens expanded (elements with an unknown token dropped), each ending in `/`. */
  private expand(elements: readonly string[], l: LoadedObject): string[] {
    const out: string[] = [];
    for (const el of elements) {
      const e = expandDst(el, this.dst(l));
      if (e === null) continue;
      // An empty element is the current directory (elf/dl-load.c fillin_rpath: "./").
      const dir = e === '' ? './' : e.endsWith('/') ? e : `${e}/`;
      if (!out.includes(dir)) out.push(dir);
    }
    return out;
  }

  /** Tries each directory (with its glibc-hwcaps subdirectories first): true when the search stops. */
  private tryDirs(dirs: readonly string[], name: string, via: FoundVia, out: SearchOutcome): boolean {
    for (const dir of dirs) {
      const base = dir.endsWith('/') ? dir : `${dir}/`;
      for (const sub of this.subdirs) if (this.tryPath(`${base}${sub}${name}`, via, out)) return true;
    }
    return false;
  }

  /** Tries one candidate: true when the search stops there (found, or `out.error` set: the load fails). */
  private tryPath(path: string, via: FoundVia, out: SearchOutcome): boolean {
    out.searched.push(path);
    const p = this.prober.probe(path);
    if (!p.resolved.ok) return false;
    const v = verifyGlibc(p, this.main.info);
    if ('ok' in v && p.info) {
      out.found = { probe: p as NonNullable<SearchOutcome['found']>['probe'], via };
      return true;
    }
    if ('skip' in v) out.rejected.push({ path, reason: v.skip });
    else if ('fatal' in v) {
      out.error = v.fatal;
      return true;
    }
    return false;
  }

  private hint(name: string): string | undefined {
    for (const dir of this.setup.confDirs) {
      const path = `${dir.replace(/\/+$/, '')}/${name}`;
      const p = this.prober.probe(path);
      if (p.resolved.ok && p.info) {
        return this.setup.cache
          ? `${path} exists (a directory of /etc/ld.so.conf) but /etc/ld.so.cache does not list it: run ldconfig`
          : `${path} exists (a directory of /etc/ld.so.conf) but there is no /etc/ld.so.cache: run ldconfig`;
      }
    }
    return undefined;
  }
}
