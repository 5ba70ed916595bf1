/**
 * rock-os-tools: the library under the rock-* command-line tools.
 *
 * @example
 * import { createImage, verifyImage, bootImage } from 'rock-os-tools';
 */

export * as compression from './compression/index.js';
export * as config from './config/index.js';
export * as contract from './contract/index.js';
export * from './cpio/index.js';
export * as deps from './deps/index.js';
export * as elf from './elf/index.js';
export * from './errors/index.js';
export * from './image/index.js';
export * as kernel from './kernel/index.js';
export * as mac from './mac/index.js';
export * from './qemu/index.js';
export * as security from './security/index.js';
export * from './verify/index.js';
export { VERSION } from './version.js';
