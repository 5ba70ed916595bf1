import { InputError } from '../errors/index.js';
import type { ComponentId } from './types.js';

/** Names: lower-case, usable as an OCI repository component. */
const NAME = /^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$/;
/** Versions: what semver and Debian versions use, minus `:` (the tag grammar cannot hold it). */
const VERSION = /^[A-Za-z0-9](?:[A-Za-z0-9._+~-]{0,126})$/;

/**
 * Parses `name@version`. Refuses (InputError REGISTRY_BAD_ID, naming `field`) a missing `@`, a name
 * outside `[a-z0-9._-]` (starting and ending alphanumeric) or a version outside `[A-Za-z0-9._+~-]`.
 */
export function parseComponentId(text: string, field = 'component'): ComponentId {
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) {
    throw new InputError('REGISTRY_BAD_ID', `${field}: expected NAME@VERSION, got ${JSON.stringify(text)}`, {
      field,
      value: text,
    });
  }
  return checkComponentId({ name: text.slice(0, at), version: text.slice(at + 1) }, field);
}

/** Validates the two parts of an id (see {@link parseComponentId}). */
export function checkComponentId(id: ComponentId, field = 'component'): ComponentId {
  if (!NAME.test(id.name)) {
    throw new InputError(
      'REGISTRY_BAD_ID',
      `${field}: name: expected 1-128 of [a-z0-9._-] starting and ending with a letter or digit, got ${JSON.stringify(id.name)}`,
      { field: `${field}.name`, value: id.name },
    );
  }
  if (!VERSION.test(id.version)) {
    throw new InputError(
      'REGISTRY_BAD_ID',
      `${field}: version: expected 1-128 of [A-Za-z0-9._+~-] starting with a letter or digit, got ${JSON.stringify(id.version)}`,
      { field: `${field}.version`, value: id.version },
    );
  }
  return id;
}
