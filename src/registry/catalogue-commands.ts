import fs from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { InputError } from '../errors/index.js';
import { fsError } from '../util/fs-errors.js';
import { missingBlob, openBlobs, storeBlob } from './blobs.js';
import { cycleError } from './catalogue.js';
import { checkComponentId } from './component-id.js';
import { dependencyTree, findCycle } from './deps.js';
import { withCatalogue } from './open.js';
import {
  blobKey,
  COMPONENT_ROLES,
  COMPONENT_TYPES,
  type Component,
  type ComponentId,
  type ComponentRole,
  type ComponentType,
  type DependencyNode,
} from './types.js';

const TAG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const META_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Options of {@link addComponent}. */
export interface AddOptions extends ComponentId {
  file: string;
  type?: ComponentType;
  role?: ComponentRole;
  dependencies?: ComponentId[];
  tags?: string[];
  metadata?: Record<string, string>;
}

/**
 * Catalogues `file` as `name@version`: its bytes go to rock-cache's store, its metadata to
 * `$ROCK_HOME/registry.db`. Refuses a bad type, role, tag or metadata key (exit 2, naming the field),
 * an unreadable file, other bytes under an existing version and a dependency cycle (exit 1).
 *
 * @example
 * await addComponent({ file: 'out/rock-init', name: 'rock-init', version: '1.4.2', role: 'init' }, context);
 */
export async function addComponent(options: AddOptions, context: CommandContext): Promise<Component> {
  checkComponentId(options);
  for (const d of options.dependencies ?? []) checkComponentId(d, 'dependencies');
  const type = options.type ?? 'component';
  if (!COMPONENT_TYPES.includes(type)) {
    throw new InputError(
      'REGISTRY_BAD_TYPE',
      `type: expected one of ${COMPONENT_TYPES.join(', ')}, got ${JSON.stringify(type)}`,
      {
        field: 'type',
      },
    );
  }
  if (options.role !== undefined && !COMPONENT_ROLES.includes(options.role)) {
    throw new InputError(
      'REGISTRY_BAD_ROLE',
      `role: expected one of ${COMPONENT_ROLES.join(', ')}, got ${JSON.stringify(options.role)}`,
      {
        field: 'role',
      },
    );
  }
  for (const tag of options.tags ?? []) {
    if (!TAG.test(tag)) {
      throw new InputError(
        'REGISTRY_BAD_TAG',
        `tags: expected up to 128 of [A-Za-z0-9._-], got ${JSON.stringify(tag)}`,
        { field: 'tags' },
      );
    }
  }
  for (const key of Object.keys(options.metadata ?? {})) {
    if (!META_KEY.test(key)) {
      throw new InputError(
        'REGISTRY_BAD_METADATA',
        `metadata: key: expected up to 128 of [A-Za-z0-9._-], got ${JSON.stringify(key)}`,
        {
          field: 'metadata',
        },
      );
    }
  }
  const file = path.resolve(context.cwd, options.file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw fsError(error, file, 'cannot read', 'INPUT_NOT_FOUND');
  }
  if (!stat.isFile()) {
    throw new InputError('INPUT_NOT_FILE', `${file}: file: expected a regular file`, {
      path: file,
      field: 'file',
    });
  }
  const id = { name: options.name, version: options.version };
  const stored = await storeBlob(openBlobs(context), id, file);
  const component: Component = {
    ...id,
    type,
    ...stored,
    file: path.basename(file),
    dependencies: options.dependencies ?? [],
    tags: options.tags ?? [],
    metadata: options.metadata ?? {},
  };
  if (options.role) component.role = options.role;
  return withCatalogue(context, (c) => c.add(component));
}

/**
 * The catalogued component; with `output`, also writes its file there (atomically, with the mode
 * it was added with).
 */
export async function getComponent(
  options: ComponentId & { output?: string },
  context: CommandContext,
): Promise<Component> {
  const component = await withCatalogue(context, (c) => c.get(options));
  if (options.output !== undefined) {
    const cache = openBlobs(context);
    // The key could have been re-put with other bytes through rock-cache: check before writing.
    const entry = await cache.get(blobKey(component));
    if (entry === undefined || entry.digest !== component.digest)
      throw missingBlob(cache, component, component.digest);
    if ((await cache.get(blobKey(component), path.resolve(context.cwd, options.output))) === undefined) {
      throw missingBlob(cache, component, component.digest);
    }
  }
  return component;
}

/** Every component, by name and version. */
export async function listComponents(_options: object, context: CommandContext): Promise<Component[]> {
  return withCatalogue(context, (c) => c.list());
}

/** Components matching `text` anywhere in their metadata. */
export async function searchComponents(
  options: { text: string },
  context: CommandContext,
): Promise<Component[]> {
  return withCatalogue(context, (c) => c.search(options.text));
}

/** The dependency tree of a component; REGISTRY_DEPENDENCY_CYCLE (exit 1) names a cycle. */
export async function componentDependencies(
  options: ComponentId,
  context: CommandContext,
): Promise<DependencyNode> {
  return withCatalogue(context, (c) => {
    c.get(options);
    const lookup = (id: ComponentId) => c.find(id)?.dependencies;
    const cycle = findCycle(options, lookup);
    if (cycle) throw cycleError(cycle);
    return dependencyTree(options, lookup);
  });
}

/** Removes a component from the catalogue (see {@link Catalogue.remove}). */
export async function removeComponent(options: ComponentId, context: CommandContext): Promise<Component> {
  return withCatalogue(context, (c) => c.remove(options));
}
