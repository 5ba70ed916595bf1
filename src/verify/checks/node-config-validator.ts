/**
 * The node-config validator (`rock-config validate`'s), loaded only for a tree that has a
 * /config/node.yaml: it brings zod and yaml (0.1-0.2 s and ~15 MB), which an image without one
 * never needs. The unpacker starts the load when a record lands there (see unpack.ts), so the
 * synchronous checks find it ready.
 */
import type { validateNodeConfig } from '../../config/parse.js';

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
