import type { ElfInfo } from '../elf/index.js';
import { glibcFallbackSystemDirs, muslArch } from './abi.js';
import { indexLdSoCache, type LdSoCacheEntry, parseLdSoCache } from './ld-so-cache.js';
import { parseLdSoConf } from './ld-so-conf.js';
import type { Prober } from './probe.js';

/** How a glibc loader searches: its trusted directories, `$LIB`, and the tree's ld.so.cache. */
export interface GlibcSetup {
  systemDirs: string[];
  /** Where `systemDirs` came from: read out of the loader itself, or glibc's upstream defaults. */
  systemDirsFrom: string;
  lib: string;
  cache: Map<string, LdSoCacheEntry[]> | null;
  /** ld.so.conf directories (used only for hints, or for searching with `ldSoConfFallback`). */
  confDirs: string[];
}

const CACHE = '/etc/ld.so.cache';
const CONF = '/etc/ld.so.conf';

/**
 * Finds glibc's compiled-in trusted directories (`system_dirs` of elf/dl-load.c, e.g. Debian's
 * `/lib/x86_64-linux-gnu/`, `/usr/lib/x86_64-linux-gnu/`, `/lib/`, `/usr/lib/`) in the bytes of ld.so:
 * the first run of at least two NUL-separated absolute directory names ending in `/` that all contain
 * `lib`. Null when there is no such run (not a glibc loader).
 */
export function findSystemDirs(bytes: Uint8Array): string[] | null {
  let at = bytes.indexOf(0x2f);
  while (at >= 0) {
    if (at === 0 || bytes[at - 1] === 0) {
      const run: string[] = [];
      let p = at;
      while (bytes[p] === 0x2f) {
        const end = bytes.indexOf(0, p);
        if (end < 0 || end - p > 256) break;
        const s = Buffer.from(bytes.buffer, bytes.byteOffset + p, end - p).toString('latin1');
        if (!/^\/[\x21-\x7e]*\/$/.test(s) || !s.includes('lib')) break;
        run.push(s);
        p = end + 1;
      }
      if (run.length >= 2) return run;
      at = bytes.indexOf(0x2f, Math.max(p, at + 1));
    } else at = bytes.indexOf(0x2f, at + 1);
  }
  return null;
}

/** Builds (and caches per loader path) how glibc searches for binaries of one machine in one tree. */
export class Setups {
  private readonly glibc = new Map<string, GlibcSetup>();
  private cacheRead = false;
  private cache: Map<string, LdSoCacheEntry[]> | null = null;
  private conf: string[] | null = null;
  readonly notes: string[] = [];

  constructor(private readonly prober: Prober) {}

  glibcFor(interpreter: string | null, info: ElfInfo, libOverride?: string): GlibcSetup {
    const key = `${interpreter ?? ''}\0${info.machine}\0${info.class}`;
    let s = this.glibc.get(key);
    if (s === undefined) {
      let dirs: string[] | null = null;
      let from = `glibc defaults for ${info.machineName}`;
      if (interpreter !== null) {
        const p = this.prober.probe(interpreter);
        if (p.resolved.ok && p.info) {
          const size = Math.min(p.resolved.stat.size, 32 << 20);
          try {
            dirs = findSystemDirs(this.prober.view.read(p.resolved.path, 0, size));
            if (dirs) from = interpreter;
          } catch {
            dirs = null;
          }
        }
      }
      dirs ??= glibcFallbackSystemDirs(info);
      this.notes.push(`glibc trusted directories (from ${from}): ${dirs.join(' ')}`);
      s = {
        systemDirs: dirs,
        systemDirsFrom: from,
        lib: libOverride ?? (dirs[0] ?? '/lib/').replace(/^\/+|\/+$/g, ''),
        cache: this.ldSoCache(),
        confDirs: this.ldSoConf(),
      };
      this.glibc.set(key, s);
    }
    return s;
  }

  private ldSoCache(): Map<string, LdSoCacheEntry[]> | null {
    if (this.cacheRead) return this.cache;
    this.cacheRead = true;
    const p = this.prober.probe(CACHE);
    if (!p.resolved.ok || p.resolved.type !== 'file') {
      this.notes.push(
        `${CACHE}: absent: glibc searches only RPATH, LD_LIBRARY_PATH, RUNPATH and its trusted directories`,
      );
      return null;
    }
    try {
      const bytes = this.prober.view.read(p.resolved.path, 0, Math.min(p.resolved.stat.size, 256 << 20));
      const parsed = parseLdSoCache(bytes, CACHE);
      this.cache = indexLdSoCache(parsed);
      this.notes.push(`${CACHE}: ${parsed.format} format, ${parsed.entries.length} entries`);
    } catch (err) {
      // glibc ignores a cache it cannot use (elf/dl-cache.c), so the search goes on without it.
      this.notes.push(`${CACHE}: ignored, as glibc would: ${(err as Error).message}`);
    }
    return this.cache;
  }

  private ldSoConf(): string[] {
    if (this.conf === null) this.conf = parseLdSoConf(this.prober.view, CONF).dirs;
    return this.conf;
  }

  /** musl's search path: `<prefix>/etc/ld-musl-<arch>.path` (prefix from the loader's path), else its defaults. */
  muslPath(ldso: string, info: ElfInfo): string[] {
    const arch = /ld-musl-([^/]+)\.so\.1$/.exec(ldso)?.[1] ?? muslArch(info) ?? 'unknown';
    // ldso/dynlink.c: the prefix is the loader's path up to its second-to-last '/'.
    let prefix = '';
    if (ldso.startsWith('/')) {
      const slashes = [...ldso.matchAll(/\//g)].map((m) => m.index ?? 0);
      prefix = ldso.slice(0, slashes.length >= 2 ? (slashes[slashes.length - 2] ?? 0) : 0);
    }
    const file = `${prefix}/etc/ld-musl-${arch}.path`;
    const p = this.prober.probe(file);
    if (!p.resolved.ok) {
      this.notes.push(`${file}: absent: musl default path /lib:/usr/local/lib:/usr/lib`);
      return ['/lib', '/usr/local/lib', '/usr/lib'];
    }
    try {
      const text = Buffer.from(
        this.prober.view.read(p.resolved.path, 0, Math.min(p.resolved.stat.size, 1 << 20)),
      ).toString('utf8');
      const dirs = text.split(/[:\n]/).filter((d) => d !== '');
      this.notes.push(`${file}: ${dirs.join(':')}`);
      return dirs;
    } catch {
      return [];
    }
  }
}
