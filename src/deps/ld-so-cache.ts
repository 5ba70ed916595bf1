import { InputError } from '../errors/index.js';

/** One library of glibc's `/etc/ld.so.cache`. */
export interface LdSoCacheEntry {
  /** The name looked up (a soname, e.g. `libssl.so.3`). */
  name: string;
  /** The path the loader opens. */
  path: string;
  /** ldconfig's flags: low byte the library type (3 = ELF libc6), high byte the ABI (0x03 = x86-64...). */
  flags: number;
  /** Hardware capability bits; for glibc-hwcaps entries the subdirectory name is in `hwcapsSubdir`. */
  hwcap: bigint;
  hwcapsSubdir?: string;
}

/** A parsed cache: which format it was in and its entries in file order (sorted by ldconfig). */
export interface LdSoCache {
  format: 'old' | 'new';
  entries: LdSoCacheEntry[];
}

const OLD_MAGIC = 'ld.so-1.7.0';
const NEW_MAGIC = 'glibc-ld.so.cache1.1';
const OLD_ENTRY = 12;
const NEW_ENTRY = 24;
const NEW_HEADER = 48;
const HWCAP_EXTENSION = 1n << 62n;

function bad(source: string, detail: string): InputError {
  return new InputError('LDSO_CACHE_CORRUPT', `${source}: ${detail}`, { file: source });
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return Buffer.from(
    b.buffer,
    b.byteOffset + Math.min(at, b.length),
    Math.max(0, Math.min(n, b.length - at)),
  ).toString('latin1');
}

function cString(b: Uint8Array, at: number, source: string): string {
  if (!(at < b.length))
    throw bad(source, `string offset 0x${at.toString(16)} is past the end (${b.length} bytes)`);
  const end = b.indexOf(0, at);
  if (end < 0 || end - at > 4096) throw bad(source, `string at 0x${at.toString(16)} is not NUL-terminated`);
  return Buffer.from(b.buffer, b.byteOffset + at, end - at).toString('utf8');
}

/**
 * Parses glibc's ld.so.cache in either format: the old `ld.so-1.7.0` one, the new `glibc-ld.so.cache1.1`
 * one, and the compat layout (old table followed by the new one, which glibc then uses). Byte order
 * comes from the new header's flags (glibc >= 2.33), else from whichever order gives a plausible count.
 * Throws InputError LDSO_CACHE_CORRUPT (naming `source`) for anything truncated or inconsistent.
 */
export function parseLdSoCache(bytes: Uint8Array, source: string): LdSoCache {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ascii(bytes, 0, NEW_MAGIC.length) === NEW_MAGIC) return parseNew(bytes, view, 0, source);
  if (ascii(bytes, 0, OLD_MAGIC.length) !== OLD_MAGIC)
    throw bad(source, `expected magic '${NEW_MAGIC}' or '${OLD_MAGIC}'`);
  if (bytes.length < 16) throw bad(source, 'old-format header is truncated');
  const little = plausible(view, 12, OLD_ENTRY, bytes.length) ?? true;
  const nlibs = view.getUint32(12, little);
  const tableEnd = 16 + nlibs * OLD_ENTRY;
  if (tableEnd > bytes.length) throw bad(source, `old-format table of ${nlibs} entries runs past the end`);
  // ldconfig's compat layout: the new cache follows the old table, aligned to 8; glibc prefers it.
  const newAt = (tableEnd + 7) & ~7;
  if (ascii(bytes, newAt, NEW_MAGIC.length) === NEW_MAGIC) return parseNew(bytes, view, newAt, source);
  const strings = bytes.subarray(tableEnd);
  const entries: LdSoCacheEntry[] = [];
  for (let i = 0; i < nlibs; i++) {
    const at = 16 + i * OLD_ENTRY;
    entries.push({
      flags: view.getInt32(at, little),
      name: cString(strings, view.getUint32(at + 4, little), source),
      path: cString(strings, view.getUint32(at + 8, little), source),
      hwcap: 0n,
    });
  }
  return { format: 'old', entries };
}

/** Which byte order makes the count at `at` fit the file; null when both (or neither) do. */
function plausible(view: DataView, at: number, entry: number, size: number): boolean | null {
  const le = view.getUint32(at, true) * entry <= size;
  const be = view.getUint32(at, false) * entry <= size;
  return le === be ? null : le;
}

function parseNew(bytes: Uint8Array, view: DataView, base: number, source: string): LdSoCache {
  if (base + NEW_HEADER > bytes.length) throw bad(source, 'new-format header is truncated');
  const endianFlag = view.getUint8(base + 28) & 3;
  const little =
    endianFlag === 2
      ? true
      : endianFlag === 3
        ? false
        : (plausible(view, base + 20, NEW_ENTRY, bytes.length) ?? true);
  const nlibs = view.getUint32(base + 20, little);
  if (base + NEW_HEADER + nlibs * NEW_ENTRY > bytes.length)
    throw bad(source, `new-format table of ${nlibs} entries runs past the end`);
  // String offsets of the new format are relative to the new header.
  const strings = bytes.subarray(base);
  const entries: LdSoCacheEntry[] = [];
  for (let i = 0; i < nlibs; i++) {
    const at = base + NEW_HEADER + i * NEW_ENTRY;
    const hwcap = view.getBigUint64(at + 16, little);
    const entry: LdSoCacheEntry = {
      flags: view.getInt32(at, little),
      name: cString(strings, view.getUint32(at + 4, little), source),
      path: cString(strings, view.getUint32(at + 8, little), source),
      hwcap,
    };
    if ((hwcap & HWCAP_EXTENSION) !== 0n) {
      // The subdirectory is also in the extension section; the path names it and is what the loader opens.
      const m = /\/glibc-hwcaps\/([^/]+)\/[^/]+$/.exec(entry.path);
      if (m?.[1]) entry.hwcapsSubdir = m[1];
    }
    entries.push(entry);
  }
  return { format: 'new', entries };
}

/** Indexes a cache by name, keeping ldconfig's order among entries of one name. */
export function indexLdSoCache(cache: LdSoCache): Map<string, LdSoCacheEntry[]> {
  const byName = new Map<string, LdSoCacheEntry[]>();
  for (const e of cache.entries) {
    const list = byName.get(e.name);
    if (list) list.push(e);
    else byName.set(e.name, [e]);
  }
  return byName;
}

/**
 * The entry glibc's `_dl_load_cache_lookup` returns for `name`: among entries whose flags are accepted,
 * the glibc-hwcaps one whose subdirectory comes first in `hwcaps` (the CPU's supported levels, best first),
 * else the first entry without hardware capability bits. Legacy hwcap-bit entries (tls/, x86_64/; gone
 * from glibc 2.37) are not selected. Null when the cache has no usable entry.
 */
export function lookupLdSoCache(
  index: ReadonlyMap<string, readonly LdSoCacheEntry[]>,
  name: string,
  acceptFlags: (flags: number) => boolean,
  hwcaps: readonly string[] = [],
): LdSoCacheEntry | null {
  const list = index.get(name);
  if (!list) return null;
  let best: LdSoCacheEntry | null = null;
  let bestRank = Number.POSITIVE_INFINITY;
  let plain: LdSoCacheEntry | null = null;
  for (const e of list) {
    if (!acceptFlags(e.flags)) continue;
    if (e.hwcapsSubdir !== undefined) {
      const rank = hwcaps.indexOf(e.hwcapsSubdir);
      if (rank >= 0 && rank < bestRank) {
        best = e;
        bestRank = rank;
      }
    } else if (e.hwcap === 0n && plain === null) plain = e;
  }
  return best ?? plain;
}
