import { lstatSync, readlinkSync } from 'node:fs';
import { type Info, newInfo, type WriteEntry } from '../cpio/index.js';
import { hostFs, resolveDeps } from '../deps/index.js';
import { InputError } from '../errors/index.js';
import { fileContent } from './file-content.js';

/**
 * The dynamic-loading closure of the given host binaries, as image entries at the same paths they
 * have on the host: the program interpreter and every library, each as the chain the loader follows
 * (symlinks, directory symlinks such as Debian's `/lib -> usr/lib` included, then the real file), so
 * the names the loader asks for exist in the image. Static binaries add nothing.
 *
 * Resolution follows the host loader's rules (its ld.so.cache, RPATH/RUNPATH, `$ORIGIN`) and never
 * runs a binary. Refuses (InputError DEPS_MISSING, exit 2) when a library or interpreter cannot be
 * found or loaded, naming the binary, the library and where it was searched.
 */
export function depsEntries(binaries: readonly { path: string; label: string }[]): WriteEntry[] {
  const result = resolveDeps(
    binaries.map((b) => b.path),
    hostFs('/'),
  );
  const entries = new Map<string, WriteEntry>();
  for (const [i, binary] of result.binaries.entries()) {
    const label = binaries[i]?.label ?? binary.path;
    for (const lib of binary.libraries) {
      if (lib.path === null || lib.error !== undefined) {
        const where = lib.searched.length > 0 ? `searched ${lib.searched.join(', ')}` : 'no search path';
        throw new InputError(
          'DEPS_MISSING',
          `${label}: ${lib.soname}: ${lib.error ?? `not found (${where})`}; use noDeps to leave dependencies out`,
          { binary: binary.path, library: lib.soname, searched: lib.searched, field: 'noDeps' },
        );
      }
      for (const path of lib.chain) {
        if (!entries.has(path)) entries.set(path, chainEntry(path));
      }
    }
  }
  return [...entries.values()];
}

function chainEntry(path: string): WriteEntry {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) {
    const target = readlinkSync(path);
    return { info: info(path, 'symlink', 0o777, { linkTarget: target, size: Buffer.byteLength(target) }) };
  }
  const content = fileContent(path);
  return { info: info(path, 'file', st.mode & 0o777, { size: content.size }), content };
}

function info(path: string, type: Info['type'], perm: number, extra: Partial<Info>): Info {
  return newInfo(path.replace(/^\/+/, ''), type, perm, extra);
}
