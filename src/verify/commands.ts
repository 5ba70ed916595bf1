/** The commands of `rock-verify` as library functions: `(options, context) => result`. */
import type { DepsResult } from '../deps/index.js';
import { type BootOptions, type BootVerdict, bootImage } from '../qemu/index.js';
import type { RunContext } from '../util/run-context.js';
import { imageDepsOf } from './image-deps-file.js';
import type { VerifyReport } from './types.js';
import { type VerifyImageOptions, verifyImage } from './verify-image.js';

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

export const verifyCommands: VerifyCommands = {
  integration: ({ image, ...o }) => verifyImage(image, o),
  deps: ({ image }) => imageDepsOf(image),
  boot: (o) => bootImage(o),
};
