/** The commands of `rock-verify` as library functions: `(options, context) => result`. */
import type { DepsResult } from '../deps/index.js';
import type { BootOptions, BootVerdict } from '../qemu/index.js';
import type { RunContext } from '../util/run-context.js';
import type { VerifyReport } from './types.js';
import type { VerifyImageOptions } from './verify-image.js';

/** `integration`: one image against the contract (and its signature, with `publicKey`). */
export interface IntegrationCommandOptions extends VerifyImageOptions {
  image: string;
}

/** `deps`: the loader closure of every ELF file of an image. */
export interface ImageDepsCommandOptions {
  image: string;
}

/** `boot`: the image and a kernel file in QEMU. */
export type BootCommandOptions = Pick<
  BootOptions,
  'kernel' | 'image' | 'cmdline' | 'expect' | 'timeoutMs' | 'memoryMb' | 'logFile'
>;

/** Every rock-verify command; the CLI takes this table (tests pass recording ones). */
export interface VerifyCommands {
  integration(options: IntegrationCommandOptions, context: RunContext): Promise<VerifyReport>;
  deps(options: ImageDepsCommandOptions, context: RunContext): Promise<DepsResult>;
  boot(options: BootCommandOptions, context: RunContext): Promise<BootVerdict>;
}

/** Each command imports its modules when it runs (`integration` never loads QEMU's or the deps resolver's). */
export const verifyCommands: VerifyCommands = {
  integration: async ({ image, ...o }) => (await import('./verify-image.js')).verifyImage(image, o),
  deps: async ({ image }) => (await import('./image-deps-file.js')).imageDepsOf(image),
  boot: async (o) => (await import('../qemu/index.js')).bootImage(o),
};
