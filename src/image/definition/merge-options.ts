import type { CreateImageOptions } from '../create-image.js';
import type { ImageDefinitionOptions } from './load-definition.js';

/**
 * The options of one build: the definition file's fields, each overridden by the same field given
 * on the command line (a list given on the command line replaces the file's list); with neither
 * naming an output, createImage writes `image.cpio.gz` (or the codec's extension: see
 * defaultImageName). Components merge one by one, so `--agent F` replaces only the agent.
 */
export function mergeImageOptions(
  fromFile: ImageDefinitionOptions | undefined,
  fromFlags: ImageDefinitionOptions &
    Pick<CreateImageOptions, 'cwd' | 'home' | 'onProgress' | 'onWarning' | 'sourceDateEpoch'>,
): CreateImageOptions {
  const file = fromFile ?? {};
  const flags = Object.fromEntries(
    Object.entries(fromFlags).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as typeof fromFlags;
  return {
    ...file,
    ...flags,
    components: { ...file.components, ...dropUndefined(flags.components ?? {}) },
    output: flags.output ?? file.output,
  };
}

function dropUndefined<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<T>;
}
