import type { WriteCompression } from '../compression/index.js';
import type { WriteEntry } from '../cpio/index.js';
import { InputError } from '../errors/index.js';
import { assertKernelSupports, moduleClosure, moduleEntries } from '../kernel/index.js';

/** Options of {@link kernelEntries}. */
export interface KernelInputOptions {
  /** A kernel of the store (name or directory). */
  kernel?: string;
  /** Modules to put into the image, with their dependencies. */
  modules?: string[];
  compress: WriteCompression;
  mtime: number;
  /** ROCK_HOME. */
  home: string;
}

/**
 * Checks, before anything is written, that the stored kernel can unpack and run this image (its
 * RD_* decompressor, devtmpfs, ELF, the console and network drivers, with the image's modules
 * counted), and returns the image entries for the requested modules at /lib/modules/<release>/.
 *
 * Without a kernel, modules cannot be resolved: refuses (exit 2) `--modules` without `--kernel`.
 * Rejects with CheckError KERNEL_CONFIG_MISSING (exit 1) naming each missing option.
 */
export async function kernelEntries(options: KernelInputOptions): Promise<WriteEntry[]> {
  const names = options.modules ?? [];
  if (options.kernel === undefined) {
    if (names.length > 0) {
      throw new InputError(
        'MODULES_WITHOUT_KERNEL',
        'modules: expected kernel too (modules belong to one kernel)',
        { field: 'modules', fields: ['kernel'] },
      );
    }
    return [];
  }
  const closure = names.length > 0 ? moduleClosure(options.kernel, names, { home: options.home }) : undefined;
  assertKernelSupports(options.kernel, {
    compress: options.compress,
    imageModules: closure?.modules.map((m) => m.name) ?? [],
    home: options.home,
  });
  return names.length > 0
    ? moduleEntries(options.kernel, names, { home: options.home, mtime: options.mtime })
    : [];
}
