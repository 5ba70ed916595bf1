/**
 * The kernel store: `<ROCK_HOME>/kernels/<name>/{vmlinuz, config, System.map, modules/, meta.json}`,
 * `<name>` being the kernel release unless the user chose one, and `kernels/default` a file naming
 * the default kernel. Entries appear whole or not at all: they are built beside the store and
 * renamed into place.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { nodeFsError, withFsError } from '../util/fs-errors.js';
import { type CorruptKernel, type KernelMeta, readKernelMeta } from './kernel-meta.js';

/** Where a stored kernel came from. */
export type KernelSource = KernelMeta['source'];

export type { CorruptKernel, KernelMeta };

/** A stored kernel: its meta and where its files are. */
export interface StoredKernel {
  meta: KernelMeta;
  dir: string;
  vmlinuz: string;
  /** `undefined` when the kernel was added without a config. */
  config?: string;
  systemMap?: string;
  /** The `lib/modules/<release>` tree, when there are modules. */
  modulesDir?: string;
  isDefault: boolean;
}

/** Names a store entry may have: a release-like word; `default` and dot-names are the store's own. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,127}$/;

/** `<ROCK_HOME>/kernels`. */
export function kernelsDir(home: string): string {
  return path.join(home, 'kernels');
}

/** Refuses (InputError `KERNEL_BAD_NAME`) a name that cannot be a store entry. */
export function checkKernelName(name: string): string {
  if (!NAME.test(name) || name === 'default') {
    throw new InputError(
      'KERNEL_BAD_NAME',
      `kernel name ${JSON.stringify(name)}: expected letters, digits and . _ + ~ - (not 'default', not starting with a dot)`,
      { name },
    );
  }
  return name;
}

function stored(dir: string, meta: KernelMeta, defaultName: string | undefined): StoredKernel {
  const modulesDir = path.join(dir, 'modules');
  return {
    meta,
    dir,
    vmlinuz: path.join(dir, 'vmlinuz'),
    config: meta.hasConfig ? path.join(dir, 'config') : undefined,
    systemMap: meta.hasSystemMap ? path.join(dir, 'System.map') : undefined,
    modulesDir: meta.moduleCount > 0 ? modulesDir : undefined,
    isDefault: meta.name === defaultName,
  };
}

/** The name in `kernels/default`, or `undefined` when none is set. */
export function getDefaultKernel(home: string): string | undefined {
  try {
    const name = fs.readFileSync(path.join(kernelsDir(home), 'default'), 'utf8').trim();
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}

/** The store's entries: the usable ones, sorted by name, and those whose meta.json is corrupt. */
export interface KernelStore {
  kernels: StoredKernel[];
  corrupt: CorruptKernel[];
}

/**
 * Every store entry: the kernels, sorted by name, and the entries whose meta.json is missing or does
 * not validate (never hidden: `list` and `show` report them). Entries being built (dot-names) are
 * not listed. Refuses FS_ERROR when the store cannot be read.
 */
export function listStore(home: string): KernelStore {
  const dir = kernelsDir(home);
  if (!fs.existsSync(dir)) return { kernels: [], corrupt: [] };
  const defaultName = getDefaultKernel(home);
  const kernels: StoredKernel[] = [];
  const corrupt: CorruptKernel[] = [];
  const entries = withFsError(dir, 'cannot read directory', () =>
    fs.readdirSync(dir, { withFileTypes: true }),
  );
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const read = readKernelMeta(path.join(dir, e.name));
    if ('meta' in read) kernels.push(stored(path.join(dir, e.name), read.meta, defaultName));
    else corrupt.push(read.corrupt);
  }
  kernels.sort((a, b) => a.meta.name.localeCompare(b.meta.name, 'en', { numeric: true }));
  corrupt.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  return { kernels, corrupt };
}

/** The usable stored kernels, sorted by name (see {@link listStore} for the corrupt entries). */
export function listKernels(home: string): StoredKernel[] {
  return listStore(home).kernels;
}

/** The one-line error for a corrupt entry (KERNEL_META_CORRUPT, exit 2), naming its meta.json. */
export function corruptError(entry: CorruptKernel, others = 0): InputError {
  const more = others > 0 ? ` (and ${others} more corrupt entries)` : '';
  return new InputError(
    'KERNEL_META_CORRUPT',
    `${entry.metaPath}: kernel ${JSON.stringify(entry.name)}: ${entry.reason}; rock-kernel remove ${entry.name} or add it again with --force${more}`,
    { name: entry.name, path: entry.metaPath, reason: entry.reason },
  );
}

/** Throws {@link corruptError} for the first corrupt entry of the store, if any. */
export function refuseCorrupt(store: KernelStore): void {
  const [first, ...rest] = store.corrupt;
  if (first !== undefined) throw corruptError(first, rest.length);
}

/**
 * The stored kernel `name`; without a name, the default one, or the only one stored.
 *
 * Refuses (InputError) an entry whose meta.json is corrupt (`KERNEL_META_CORRUPT`, with its path), an
 * unknown name (`KERNEL_NOT_FOUND`, listing the stored ones) and, without a
 * name, an empty store or several kernels and no default (`KERNEL_NO_DEFAULT`).
 */
export function resolveKernel(name: string | undefined, home: string): StoredKernel {
  const store = listStore(home);
  const all = store.kernels;
  const names = all.map((k) => k.meta.name);
  if (name === undefined) {
    const chosen = getDefaultKernel(home) ?? (all.length === 1 ? names[0] : undefined);
    if (chosen === undefined) {
      if (all.length === 0) refuseCorrupt(store);
      const why =
        all.length === 0
          ? 'the store is empty: rock-kernel add FILE'
          : `stored: ${names.join(', ')}; rock-kernel default NAME`;
      throw new InputError('KERNEL_NO_DEFAULT', `no kernel named and no default kernel (${why})`, {
        stored: names,
      });
    }
    name = chosen;
  }
  const found = all.find((k) => k.meta.name === name);
  const broken = store.corrupt.find((c) => c.name === name);
  if (!found && broken) throw corruptError(broken);
  if (!found) {
    throw new InputError(
      'KERNEL_NOT_FOUND',
      `kernel ${JSON.stringify(name)}: not in ${kernelsDir(home)} (stored: ${names.length > 0 ? names.join(', ') : 'none'})`,
      { name, stored: names },
    );
  }
  return found;
}

/** Makes `name` the default kernel; refuses (InputError `KERNEL_NOT_FOUND`) a name not stored. */
export async function setDefaultKernel(name: string, home: string): Promise<StoredKernel> {
  const kernel = resolveKernel(name, home);
  await writeFileAtomic(path.join(kernelsDir(home), 'default'), `${name}\n`, { mode: 0o644 });
  return { ...kernel, isDefault: true };
}

/**
 * Removes the stored kernel `name` (and the default setting, if it was the default): renamed aside
 * first, so a concurrent reader never sees half an entry. Refuses an unknown name (`KERNEL_NOT_FOUND`).
 */
export function removeKernel(name: string, home: string): StoredKernel {
  const kernel = resolveKernel(name, home);
  const aside = path.join(kernelsDir(home), `.remove-${name}-${process.pid}-${Date.now()}`);
  try {
    fs.renameSync(kernel.dir, aside);
    if (kernel.isDefault) fs.rmSync(path.join(kernelsDir(home), 'default'), { force: true });
    fs.rmSync(aside, { recursive: true, force: true });
  } catch (err) {
    throw nodeFsError(err);
  }
  return kernel;
}

/** Throws InputError `KERNEL_EXISTS` when `name` is stored already; returns otherwise. */
export function refuseExisting(name: string, home: string): void {
  const target = path.join(kernelsDir(home), name);
  if (!fs.existsSync(target)) return;
  throw new InputError(
    'KERNEL_EXISTS',
    `kernel ${JSON.stringify(name)} is already stored in ${target} (force replaces it, name stores it under another name)`,
    { name, field: 'force', fields: ['name'] },
  );
}

/**
 * Moves the fully built entry `built` into the store as `name`, replacing an existing entry only when
 * `replace` is set (InputError `KERNEL_EXISTS` otherwise), and makes it the default when none is set.
 */
export async function commitKernel(
  built: string,
  name: string,
  replace: boolean,
  home: string,
): Promise<StoredKernel> {
  const target = path.join(kernelsDir(home), name);
  if (fs.existsSync(target)) {
    if (!replace) refuseExisting(name, home);
    const aside = path.join(kernelsDir(home), `.replace-${name}-${process.pid}-${Date.now()}`);
    fs.renameSync(target, aside);
    fs.renameSync(built, target);
    fs.rmSync(aside, { recursive: true, force: true });
  } else {
    fs.renameSync(built, target);
  }
  if (getDefaultKernel(home) === undefined) await setDefaultKernel(name, home);
  return resolveKernel(name, home);
}
