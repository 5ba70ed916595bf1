export { bootImage } from './boot-image.js';
export type { BootMarker, BootOptions, BootStatus, BootVerdict } from './boot-types.js';
export {
  type ConsoleMarker,
  type ConsoleStatus,
  type ConsoleVerdict,
  ConsoleWatcher,
  classifyConsole,
} from './console-classifier.js';
export { ConsoleLineSplitter, cleanConsoleLine } from './console-lines.js';
export { QEMU_ERROR_CODES, type QemuErrorCode } from './error-codes.js';
export { type KvmProbe, kvmUsable, probeKvm } from './kvm.js';
export { DEFAULT_CMDLINE, type QemuArgsInput, qemuArgs } from './qemu-args.js';
