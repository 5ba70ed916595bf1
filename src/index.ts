/**
 * rock-os-tools: the library under the rock-* command-line tools.
 *
 * @example
 * import { createImage, verifyImage, bootImage } from 'rock-os-tools';
 */
export * as contract from './contract/index.js';
export * from './cpio/index.js';
export * from './errors/index.js';
export * from './image/index.js';
export * from './qemu/index.js';
export * from './verify/index.js';
export { VERSION } from './version.js';
