/**
 * Kernels: the store (`<ROCK_HOME>/kernels`), adding from bzImage/.deb/.apk files and URLs, the
 * config check a ROCK-OS boot needs, command lines, module closures for images, and booting.
 */
export { type AddOptions, addKernel, sha256File, sourceKind } from './add.js';
export { type BootKernelOptions, bootKernel } from './boot.js';
export { type BzImageInfo, parseBzImage } from './bzimage.js';
export {
  availableModes,
  BUILTIN_MODES,
  buildCmdline,
  type CmdlineOptions,
  COMMAND_LINE_SIZE,
  COMMON_PARAMS,
  loadModesFile,
  validateMac,
} from './cmdline.js';
export {
  type AddCommandOptions,
  type BootCommandOptions,
  type CheckCommandOptions,
  type CmdlineCommandOptions,
  type DefaultKernelResult,
  type FetchCommandOptions,
  type KernelCommands,
  type KernelNameOptions,
  kernelCommands,
  type ModulesCommandOptions,
} from './commands.js';
export {
  assertKernelSupports,
  type CheckKernelOptions,
  type ConfigCheckItem,
  type ConfigCheckOptions,
  type ConfigCheckReport,
  checkConfig,
  checkKernel,
  NET_DRIVERS,
  type NetDriver,
  parseKernelConfig,
} from './config-check.js';
export { KERNEL_ERROR_CODES, type KernelErrorCode } from './error-codes.js';
export { type FetchOptions, fetchKernel } from './fetch.js';
export { type ModInfo, readModInfo } from './modinfo.js';
export {
  kernelFrom,
  type ModuleClosure,
  type ModuleEntriesOptions,
  type ModuleFile,
  type ModulesOptions,
  moduleClosure,
  moduleEntries,
} from './modules.js';
export { generateModulesDep, loadOrder, normalizeModuleName, parseModulesDep } from './modules-dep.js';
export { safeMemberName } from './package-extract.js';
export {
  type CorruptKernel,
  checkKernelName,
  corruptError,
  getDefaultKernel,
  type KernelMeta,
  type KernelSource,
  type KernelStore,
  kernelsDir,
  listKernels,
  listStore,
  refuseCorrupt,
  removeKernel,
  resolveKernel,
  type StoredKernel,
  setDefaultKernel,
} from './store.js';
