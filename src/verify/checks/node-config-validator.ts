/**
 * The node-config validator (`rock-config validate`'s), loaded only for a tree that has a
 * /config/node.yaml: it brings zod and yaml (0.1-0.2 s and ~15 MB), which an image without one
 * never needs. The unpacker starts the load when a record lands there (see unpack.ts), so the
 * synchronous checks find it ready.
 */
import type { validateNodeConfig } from '../../config/parse.js';
import { NODE_CONFIG_PATH } from '../../contract/index.js';
import type { EntryType } from '../../cpio/index.js';
import type { ImageNode } from '../types.js';

const CONFIG_DIR = NODE_CONFIG_PATH.slice(0, NODE_CONFIG_PATH.lastIndexOf('/'));

/**
 * Whether an entry landing at `path` may give the tree a node.yaml for the check to validate (it
 * reads /config/node.yaml through symlinks): one there, or a symlink at /config.
 */
export function mayGiveNodeConfig(path: string, type: EntryType): boolean {
  return path === NODE_CONFIG_PATH || (path === CONFIG_DIR && type === 'symlink');
}

/**
 * Loads the validator when a tree made without the unpacker (a stored verified base) may hold a
 * node.yaml, as the unpacker would have when it made the tree.
 */
export async function loadNodeConfigValidatorFor(nodes: ReadonlyMap<string, ImageNode>): Promise<void> {
  for (const path of [NODE_CONFIG_PATH, CONFIG_DIR]) {
    const node = nodes.get(path);
    if (node !== undefined && mayGiveNodeConfig(path, node.type)) return loadNodeConfigValidator();
  }
}

type Validate = typeof validateNodeConfig;
let validate: Validate | undefined;
let loading: Promise<void> | undefined;

/** Loads the validator (once per process); resolves when {@link nodeConfigValidator} can be called. */
export function loadNodeConfigValidator(): Promise<void> {
  loading ??= import('../../config/parse.js').then((parse) => {
    validate = parse.validateNodeConfig;
  });
  return loading;
}

/** The validator; a tree with a node.yaml comes from the unpacker, which loaded it. */
export function nodeConfigValidator(): Validate {
  if (validate === undefined)
    throw new Error('node-config validator used before loadNodeConfigValidator() resolved');
  return validate;
}
