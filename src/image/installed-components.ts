import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { archiveName } from '../contract/index.js';
import { newInfo, type WriteEntry } from '../cpio/index.js';
import { InputError } from '../errors/index.js';
import { fileContent } from './file-content.js';

/** The lock file rock-build writes in its output directory (src/build/build-state.ts). */
const LOCK_FILE = 'components.lock.json';

/** An extra component of a rock-build output directory: its file there, and where the image has it. */
export interface InstalledComponent {
  name: string;
  /** The file in the output directory. */
  path: string;
  /** Its absolute path inside the image (the manifest's `install:`). */
  install: string;
}

/**
 * The components of `componentsDir` that fill no contract role but name an `install:` path, read
 * from its `components.lock.json` (none when the directory has no lock file). Refuses a lock file
 * that does not parse and an install path that is not absolute and normalised (`IMAGE_LOCK_INVALID`).
 */
export function installedComponents(componentsDir: string, cwd: string): InstalledComponent[] {
  const dir = resolve(cwd, componentsDir);
  const lockPath = join(dir, LOCK_FILE);
  if (!existsSync(lockPath)) return [];
  const invalid = (why: string) =>
    new InputError('IMAGE_LOCK_INVALID', `${lockPath}: ${why}`, { field: 'componentsDir', path: lockPath });
  let lock: unknown;
  try {
    lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  } catch (err) {
    throw invalid(`expected the JSON rock-build writes, found ${(err as Error).message.slice(0, 80)}`);
  }
  const components = (lock as { components?: unknown }).components;
  if (typeof components !== 'object' || components === null) throw invalid('expected a components mapping');
  const out: InstalledComponent[] = [];
  for (const [name, value] of Object.entries(components as Record<string, unknown>)) {
    const { file, install, role } = (value ?? {}) as { file?: unknown; install?: unknown; role?: unknown };
    if (install === undefined || role !== undefined) continue;
    if (typeof install !== 'string' || !install.startsWith('/') || posix.normalize(install) !== install)
      throw invalid(
        `components.${name}.install: expected an absolute, normalised path, found ${JSON.stringify(install)}`,
      );
    if (typeof file !== 'string' || file.includes('/'))
      throw invalid(`components.${name}.file: expected a file name, found ${JSON.stringify(file)}`);
    out.push({ name, path: join(dir, file), install });
  }
  return out.sort((a, b) => (a.install < b.install ? -1 : 1));
}

/** The image records of the installed components: executables (0755) at their install paths. */
export function installedEntries(installed: readonly InstalledComponent[]): WriteEntry[] {
  return installed.map((c) => {
    const content = fileContent(c.path, `${c.name} (${c.path})`);
    return {
      info: newInfo(archiveName(c.install), 'file', 0o755, { nlink: 1, size: content.size }),
      content,
    };
  });
}
