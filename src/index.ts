/**
 * rock-os-tools: the library under the rock-* command-line tools.
 *
 * One namespace per domain (`image`, `verify`, `kernel`, ...: each is that domain's `index.ts`, its
 * whole public surface), plus the few functions most callers need at the top level and the error
 * classes every function throws.
 *
 * @example
 * import { bootImage, createImage, verifyImage } from 'rock-os-tools';
 */

export * as archive from './archive/index.js';
export * as build from './build/index.js';
export * as cache from './cache/index.js';
export * as compose from './compose/index.js';
export * as compression from './compression/index.js';
export * as config from './config/index.js';
export * as contract from './contract/index.js';
export * as cpio from './cpio/index.js';
export * as deps from './deps/index.js';
export * as elf from './elf/index.js';
export { CheckError, ExitError, InputError, InternalError, ToolError } from './errors/index.js';
export * as image from './image/index.js';
export { type CreateImageOptions, type CreateImageResult, createImage } from './image/index.js';
export * as kernel from './kernel/index.js';
export * as mac from './mac/index.js';
export * as net from './net/index.js';
export * as oci from './oci/index.js';
export * as qemu from './qemu/index.js';
export { type BootOptions, type BootVerdict, bootImage } from './qemu/index.js';
export * as registry from './registry/index.js';
export * as security from './security/index.js';
export * as verify from './verify/index.js';
export { type VerifyImageOptions, type VerifyReport, verifyImage } from './verify/index.js';
export { VERSION } from './version.js';
