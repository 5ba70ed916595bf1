import { isAbsolute, join, resolve } from 'node:path';
import { BUILD_ID } from '../util/build-id.js';
import type { RunContext } from '../util/run-context.js';
import { sourceDateEpoch } from '../util/source-date-epoch.js';
import type { BaseStore } from '../verify/base-store.js';
import type { CreateImageOptions, CreateImageResult, PackRootfsOptions } from './create-image.js';
import type { ExtractOptions, ExtractResult } from './extract/index.js';
import type { ListedEntry } from './list-image.js';
import type { FleetNodeResult, FleetOptions, OverlayOptions, OverlayResult } from './overlay/index.js';

/** `create`: the merged options of one build (definition file and flags); cwd, home and mtimes come from the context. */
export type CreateCommandOptions = Omit<CreateImageOptions, 'cwd' | 'home' | 'sourceDateEpoch'>;

/** `cpio create`: a prepared root directory to pack. */
export type PackCommandOptions = Omit<PackRootfsOptions, 'cwd' | 'sourceDateEpoch'>;

/** `ls`: every entry of an image, handed to `onEntry` in archive order (streamed, never collected). */
export interface ListCommandOptions {
  image: string;
  onEntry: (entry: ListedEntry) => void;
}

/** `ls` without details: every entry's name, handed to `onName` in archive order. */
export interface ListNamesCommandOptions {
  image: string;
  onName: (name: string) => void;
}

/** `extract`: an image into a directory. */
export interface ExtractCommandOptions extends ExtractOptions {
  image: string;
  dir: string;
}

/**
 * Whether the base's verdict may be taken from, and kept in, `$ROCK_HOME/verified-bases/` (verified
 * by an earlier run of the same build on the same content); default true.
 */
interface BaseCacheOption {
  baseCache?: boolean;
}

/** `overlay`: one node's image from a verified base. */
export type OverlayCommandOptions = Omit<OverlayOptions, 'cwd' | 'sourceDateEpoch' | 'baseStore'> &
  BaseCacheOption;

/** `overlay --fleet`: every node of a fleet file. */
export type FleetCommandOptions = Omit<FleetOptions, 'cwd' | 'env' | 'sourceDateEpoch' | 'baseStore'> &
  BaseCacheOption;

/** The store of verified bases under ROCK_HOME, unless turned off or this build has no id (unbundled). */
function baseStore(option: BaseCacheOption, context: RunContext): BaseStore | undefined {
  if (option.baseCache === false || BUILD_ID === undefined) return undefined;
  return { dir: join(context.home, 'verified-bases'), buildId: BUILD_ID };
}

/** Every rock-image command: typed options and the run context in, a result out (tests pass recording ones). */
export interface ImageCommands {
  create(options: CreateCommandOptions, context: RunContext): Promise<CreateImageResult>;
  pack(options: PackCommandOptions, context: RunContext): Promise<CreateImageResult>;
  /** Resolves to the number of entries listed. */
  list(options: ListCommandOptions, context: RunContext): Promise<number>;
  /** {@link list} of names only (no entry objects); resolves to the number of names. */
  listNames(options: ListNamesCommandOptions, context: RunContext): Promise<number>;
  extract(options: ExtractCommandOptions, context: RunContext): Promise<ExtractResult>;
  overlay(options: OverlayCommandOptions, context: RunContext): Promise<OverlayResult>;
  fleet(options: FleetCommandOptions, context: RunContext): Promise<FleetNodeResult[]>;
}

/**
 * A path of a library that takes no cwd, against the context's: as given when the context's cwd is
 * the process's own (messages keep the spelling the user typed), else resolved.
 */
function at(context: RunContext, path: string): string {
  return isAbsolute(path) || resolve(context.cwd) === process.cwd() ? path : resolve(context.cwd, path);
}

/**
 * Hands every item of `batches` to `each`, in order; resolves to how many there were. By batch: one
 * await per buffered chunk, not per item (400k entries).
 */
async function handEach<T>(batches: AsyncIterable<T[]>, each: (item: T) => void): Promise<number> {
  let n = 0;
  for await (const batch of batches) {
    for (const item of batch) each(item);
    n += batch.length;
  }
  return n;
}

/**
 * Each command imports its own modules when it runs: `ls` never loads the create path (zod, yaml,
 * the deps resolver) nor overlay's (rock-mac's SQLite and PostgreSQL stores).
 */
export const imageCommands: ImageCommands = {
  create: async (o, c) => {
    const { createImage } = await import('./create-image.js');
    return createImage({ ...o, cwd: c.cwd, home: c.home, sourceDateEpoch: sourceDateEpoch(c.env) });
  },
  pack: async (o, c) => {
    const { packRootfs } = await import('./create-image.js');
    return packRootfs({ ...o, cwd: c.cwd, sourceDateEpoch: sourceDateEpoch(c.env) });
  },
  list: async ({ image, onEntry }, c) => {
    const { listImageBatches } = await import('./list-image.js');
    return handEach(listImageBatches(at(c, image)), onEntry);
  },
  listNames: async ({ image, onName }, c) => {
    const { listImageNames } = await import('./list-image.js');
    return handEach(listImageNames(at(c, image)), onName);
  },
  extract: async ({ image, dir, ...o }, c) => {
    const { extractImage } = await import('./extract-image.js');
    return extractImage(at(c, image), at(c, dir), o);
  },
  overlay: async ({ baseCache, ...o }, c) => {
    const { overlayImage } = await import('./overlay/index.js');
    const store = baseStore({ baseCache }, c);
    return overlayImage({
      ...o,
      cwd: c.cwd,
      sourceDateEpoch: sourceDateEpoch(c.env),
      ...(store ? { baseStore: store } : {}),
    });
  },
  fleet: async ({ baseCache, ...o }, c) => {
    // Not the index: overlay-fleet.ts starts reading the base before it loads the rest.
    const { overlayFleet } = await import('./overlay/overlay-fleet.js');
    const store = baseStore({ baseCache }, c);
    return overlayFleet({
      ...o,
      cwd: c.cwd,
      env: { ...c.env },
      sourceDateEpoch: sourceDateEpoch(c.env),
      ...(store ? { baseStore: store } : {}),
    });
  },
};
