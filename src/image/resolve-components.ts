import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors/index.js';
import type { ComponentFiles } from './layout-contract.js';

/** The file names a rock-build output directory (`componentsDir`) holds, by role. */
export const COMPONENT_FILE_NAMES: Readonly<ComponentFiles> = {
  init: 'rock-init',
  manager: 'rock-manager',
  agent: 'volcano-agent',
  busybox: 'busybox',
};

/**
 * The four component files (absolute): each one given explicitly, else `<componentsDir>/<name>`.
 * Refuses a component that neither supplies, naming the field (`components.agent`), and a
 * `componentsDir` that lacks a file it is asked for.
 */
export function resolveComponents(
  components: Partial<ComponentFiles>,
  componentsDir: string | undefined,
  cwd: string,
): ComponentFiles {
  const pick = (role: keyof ComponentFiles): string => {
    const given = components[role];
    if (given !== undefined) return resolve(cwd, given);
    const name = COMPONENT_FILE_NAMES[role];
    if (componentsDir === undefined) {
      throw new InputError(
        'IMAGE_COMPONENT_MISSING',
        `components.${role}: expected the ${name} binary (components.${role}, or componentsDir holding ${name}), got none`,
        { field: `components.${role}` },
      );
    }
    const path = join(resolve(cwd, componentsDir), name);
    if (!existsSync(path)) {
      throw new InputError(
        'IMAGE_COMPONENT_MISSING',
        `componentsDir: expected ${name} in ${componentsDir}, found no such file`,
        { field: 'componentsDir', path },
      );
    }
    return path;
  };
  return { init: pick('init'), manager: pick('manager'), agent: pick('agent'), busybox: pick('busybox') };
}
