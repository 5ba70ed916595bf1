/**
 * Content fingerprints of `inputs:` and `outputs:`: every file's sha256 under its path relative to
 * the pipeline's directory (a moved file is a change, unlike a base name), directories walked
 * whole, symbolic links by their target, and an absent plain path recorded as absent.
 */
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expandPattern, isGlob } from './glob.js';

/** Path (relative to the pipeline) -> `sha256:<hex>`, `link:<target>`, `x` suffix for executables, or `absent`. */
export type Fingerprint = Record<string, string>;

/** Fingerprints what the patterns name, relative to `root`; patterns are resolved against `cwd`. */
export async function fingerprint(
  patterns: readonly string[],
  cwd: string,
  root: string,
): Promise<Fingerprint> {
  const result: Fingerprint = {};
  for (const pattern of patterns) {
    const paths = expandPattern(pattern, cwd);
    if (paths.length === 0 && !isGlob(pattern)) result[relative(root, join(cwd, pattern)) || '.'] = 'absent';
    for (const path of paths) await add(path, root, result);
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function add(path: string, root: string, into: Fingerprint): Promise<void> {
  const name = relative(root, path) || '.';
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(path);
  } catch {
    into[name] = 'absent';
    return;
  }
  if (st.isSymbolicLink()) into[name] = `link:${readlinkSync(path)}`;
  else if (st.isDirectory()) {
    const entries = readdirSync(path).sort();
    if (entries.length === 0) into[`${name}/`] = 'dir';
    for (const entry of entries) await add(join(path, entry), root, into);
  } else if (st.isFile()) into[name] = `sha256:${await hashFile(path)}${st.mode & 0o111 ? 'x' : ''}`;
  else into[name] = 'special';
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolveHash(hash.digest('hex')));
  });
}

/** One digest for a whole fingerprint (a dependency's outputs in a dependent's key). */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
