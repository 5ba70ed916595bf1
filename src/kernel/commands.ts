/**
 * The commands of `rock-kernel` as library functions: `(options, context) => result`. The store is
 * `<context.home>/kernels`; nothing here reads `process`.
 */
import type { BootVerdict } from '../qemu/index.js';
import type { RunContext } from '../util/run-context.js';
import type { AddOptions } from './add.js';
import type { BootKernelOptions } from './boot.js';
import type { CmdlineOptions } from './cmdline.js';
import type { CheckKernelOptions, ConfigCheckReport } from './config-check.js';
import type { FetchOptions } from './fetch.js';
import type { ModuleClosure } from './modules.js';
import type { KernelStore, StoredKernel } from './store.js';

/** `add`: a kernel file or package. */
export interface AddCommandOptions extends Omit<AddOptions, 'home' | 'origin'> {
  source: string;
}

/** `fetch`: a URL and its mandatory sha256. */
export interface FetchCommandOptions extends Omit<FetchOptions, 'home'> {
  url: string;
  sha256: string;
}

/** `show`, `remove`, `default`: one stored kernel by name (`show`/`default`: optional). */
export interface KernelNameOptions {
  name?: string;
}

/** `check`: a stored kernel (default: the default one) and the image it must boot. */
export interface CheckCommandOptions extends Omit<CheckKernelOptions, 'home'> {
  kernel?: string;
}

/** `modules`: a stored kernel and module names. */
export interface ModulesCommandOptions {
  kernel: string;
  names: string[];
}

export type CmdlineCommandOptions = Omit<CmdlineOptions, 'home'>;
export type BootCommandOptions = Omit<BootKernelOptions, 'home'>;

/** The default kernel after `default [NAME]` (set first when a name is given). */
export interface DefaultKernelResult {
  default: string | undefined;
}

/** Every rock-kernel command; the CLI takes this table (tests pass recording ones). */
export interface KernelCommands {
  add(options: AddCommandOptions, context: RunContext): Promise<StoredKernel>;
  fetch(options: FetchCommandOptions, context: RunContext): Promise<StoredKernel>;
  /** Every entry: the kernels and the corrupt entries (never hidden: the CLI reports them). */
  list(options: Record<string, never>, context: RunContext): Promise<KernelStore>;
  show(options: KernelNameOptions, context: RunContext): Promise<StoredKernel>;
  remove(options: Required<KernelNameOptions>, context: RunContext): Promise<StoredKernel>;
  default(options: KernelNameOptions, context: RunContext): Promise<DefaultKernelResult>;
  check(options: CheckCommandOptions, context: RunContext): Promise<ConfigCheckReport & { kernel: string }>;
  cmdline(options: CmdlineCommandOptions, context: RunContext): Promise<string>;
  modules(options: ModulesCommandOptions, context: RunContext): Promise<ModuleClosure>;
  boot(options: BootCommandOptions, context: RunContext): Promise<BootVerdict & { kernel: string }>;
}

/** Each command imports its own modules when it runs: `list` never loads the package readers or QEMU's. */
export const kernelCommands: KernelCommands = {
  add: async ({ source, ...o }, { home }) => (await import('./add.js')).addKernel(source, { ...o, home }),
  fetch: async ({ url, sha256, ...o }, { home }) =>
    (await import('./fetch.js')).fetchKernel(url, sha256, { ...o, home }),
  list: async (_o, { home }) => (await import('./store.js')).listStore(home),
  show: async ({ name }, { home }) => (await import('./store.js')).resolveKernel(name, home),
  remove: async ({ name }, { home }) => (await import('./store.js')).removeKernel(name, home),
  default: async ({ name }, { home }) => {
    const { getDefaultKernel, setDefaultKernel } = await import('./store.js');
    if (name !== undefined) await setDefaultKernel(name, home);
    return { default: getDefaultKernel(home) };
  },
  check: async ({ kernel, ...o }, { home }) =>
    (await import('./config-check.js')).checkKernel(kernel, { ...o, home }),
  cmdline: async (o, { home }) => (await import('./cmdline.js')).buildCmdline({ ...o, home }),
  modules: async ({ kernel, names }, { home }) =>
    (await import('./modules.js')).moduleClosure(kernel, names, { home }),
  boot: async (o, { home }) => (await import('./boot.js')).bootKernel({ ...o, home }),
};
