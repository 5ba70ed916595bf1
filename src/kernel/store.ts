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

/** Where a stored kernel came from. */
export interface KernelSource {
  kind: 'bzimage' | 'deb' | 'apk';
  /** The file or URL given to `add`/`fetch`. */
  origin: string;
  sha256: string;
}

/** meta.json of a stored kernel. */
export interface KernelMeta {
  /** The store entry's name (the release, or `--name`). */
  name: string;
  /** The kernel release (`uname -r`), from the setup header. */
  release: string;
  /** The whole kernel_version string. */
  versionString: string;
  /** Boot protocol version from the setup header. */
  protocol: string;
  source: KernelSource;
  /** sha256 of vmlinuz. */
  vmlinuzSha256: string;
  vmlinuzBytes: number;
  hasConfig: boolean;
  hasSystemMap: boolean;
  /** Module files in `modules/` (0 when none). */
  moduleCount: number;
  /** True when modules.dep/modules.alias were written by the store, not shipped by the package. */
  modulesDepGenerated: boolean;
  /** Package members not stored (links), with the reason. */
  skipped: string[];
  /** ISO time of the `add`. */
  addedAt: string;
}

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

function readMeta(dir: string): KernelMeta | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as KernelMeta;
  } catch {
    return undefined;
  }
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

/** Every stored kernel, sorted by name. Entries being built (dot-names) are not listed. */
export function listKernels(home: string): StoredKernel[] {
  const dir = kernelsDir(home);
  if (!fs.existsSync(dir)) return [];
  const defaultName = getDefaultKernel(home);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .flatMap((e) => {
      const meta = readMeta(path.join(dir, e.name));
      return meta ? [stored(path.join(dir, e.name), meta, defaultName)] : [];
    })
    .sort((a, b) => a.meta.name.localeCompare(b.meta.name, 'en', { numeric: true }));
}

/**
 * The stored kernel `name`; without a name, the default one, or the only one stored.
 *
 * Refuses (InputError) an unknown name (`KERNEL_NOT_FOUND`, listing the stored ones) and, without a
 * name, an empty store or several kernels and no default (`KERNEL_NO_DEFAULT`).
 */
export function resolveKernel(name: string | undefined, home: string): StoredKernel {
  const all = listKernels(home);
  const names = all.map((k) => k.meta.name);
  if (name === undefined) {
    const chosen = getDefaultKernel(home) ?? (all.length === 1 ? names[0] : undefined);
    if (chosen === undefined) {
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
  fs.renameSync(kernel.dir, aside);
  if (kernel.isDefault) fs.rmSync(path.join(kernelsDir(home), 'default'), { force: true });
  fs.rmSync(aside, { recursive: true, force: true });
  return kernel;
}

/** Throws InputError `KERNEL_EXISTS` when `name` is stored already; returns otherwise. */
export function refuseExisting(name: string, home: string): void {
  const target = path.join(kernelsDir(home), name);
  if (!fs.existsSync(target)) return;
  throw new InputError(
    'KERNEL_EXISTS',
    `kernel ${JSON.stringify(name)} is already stored in ${target} (--force replaces it, --name stores it under another name)`,
    { name },
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
