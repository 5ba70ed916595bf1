/**
 * rock-build's commands as the CLI calls them: one typed options object in, a result out, the
 * context (cwd, env, home, io) from the caller. The CLI maps flags onto these options and renders
 * the results; tests replace the table to see exactly what argv became.
 */
import fs from 'node:fs';

import { openCache } from '../cache/index.js';
import type { CommandContext } from '../cli/context.js';
import { type BuildOptions, type BuildReport, buildComponents, manifestOf } from './build-components.js';
import { type ComponentCheck, checkToolchains } from './check-toolchains.js';
import { type CleanReport, cleanOutputs } from './clean-outputs.js';
import { type ComponentListing, listComponents } from './list-components.js';
import { withOutputLock } from './output-lock.js';

/** Where the manifest is and where outputs go (relative to the context's cwd). */
export interface ManifestOptions {
  /** Default `components.yaml`. */
  file?: string;
  /** Default the manifest's `output_dir`, else `build/components` beside it. */
  outputDir?: string;
}

export interface CheckOptions extends ManifestOptions {}
export interface ListOptions extends ManifestOptions {
  release?: boolean;
}
export interface CleanOptions extends ManifestOptions {
  /** Only this component's files. */
  component?: string;
}

/** The table of rock-build's commands. */
export interface BuildCommands {
  build(options: BuildOptions, context: CommandContext): Promise<BuildReport>;
  check(options: CheckOptions, context: CommandContext): Promise<ComponentCheck[]>;
  list(options: ListOptions, context: CommandContext): Promise<ComponentListing[]>;
  clean(options: CleanOptions, context: CommandContext): Promise<CleanReport>;
}

const cacheOf = (context: CommandContext) =>
  openCache({
    env: context.env,
    home: context.home,
    cwd: context.cwd,
    warn: (m) => context.io.err(`rock-build: warning: ${m}`),
  });

/** The real commands. */
export const buildCommands: BuildCommands = {
  build: (options, context) =>
    buildComponents({ ...options, cache: options.cache ?? cacheOf(context) }, context),
  check: async (options, context) => {
    const m = manifestOf(options, context);
    return checkToolchains(m.components, context.env, m.dir);
  },
  list: async (options, context) =>
    listComponents(manifestOf(options, context), cacheOf(context), context.env, options.release),
  clean: async (options, context) => {
    const { outputDir } = manifestOf(options, context);
    // Nothing was ever built there: nothing to wait for, and no directory to create.
    if (!fs.existsSync(outputDir)) return cleanOutputs(outputDir, options.component);
    return withOutputLock(outputDir, context, () => cleanOutputs(outputDir, options.component));
  },
};
