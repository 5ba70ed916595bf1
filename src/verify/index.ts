/**
 * The integration verifier: applies the kernel's own unpacking rules to an image's records in
 * memory, then checks the ROCK-OS contract on the tree the kernel would really build, and says
 * whether a kernel command line reaches rock-init.
 */
export { analyzeCmdline, type KernelParam, type ParsedCmdline, parseKernelCmdline } from './cmdline.js';
export {
  type BootCommandOptions,
  type ImageDepsCommandOptions,
  type IntegrationCommandOptions,
  type VerifyCommands,
  verifyCommands,
} from './commands.js';
export { VERIFY_ERROR_CODES, type VerifyErrorCode } from './error-codes.js';
export { formatReport } from './format.js';
export { imageDeps } from './image-deps.js';
export { imageDepsOf } from './image-deps-file.js';
export { type VerifiedBase, verifyBase, verifyWithSegment } from './incremental.js';
export type {
  CheckFailure,
  CmdlineVerdict,
  ImageNode,
  ImageTree,
  UnpackNote,
  UnpackNoteKind,
  VerifyOptions,
  VerifyReport,
} from './types.js';
export { unpackLikeKernel } from './unpack.js';
export { checkContract, verifyRecords } from './verify.js';
export { type VerifyImageOptions, verifyImage } from './verify-image.js';
