import path from 'node:path';
import { InputError } from '../errors/index.js';
import type { Descriptor, ImageManifest } from '../oci/index.js';
import { checkComponentId, parseComponentId } from './component-id.js';
import {
  COMPONENT_ROLES,
  COMPONENT_TYPES,
  type Component,
  type ComponentRole,
  type ComponentType,
  formatId,
} from './types.js';

/** artifactType of what rock-registry pushes. */
export const ARTIFACT_TYPES = {
  component: 'application/vnd.rock-os.component.v1',
  image: 'application/vnd.rock-os.image.v1',
  signature: 'application/vnd.rock-os.signature.v1',
} as const;

/** Layer media types. */
export const LAYER_TYPES = {
  file: 'application/vnd.rock-os.file.v1',
  initramfs: 'application/vnd.rock-os.initramfs.v1',
  minisign: 'application/vnd.rock-os.minisign.v1',
} as const;

/** The boot contract version (src/contract) the components of this suite are built against. */
export const CONTRACT_VERSION = '1';

/** Annotation keys: the OCI title, then ours under `io.rock-os.`. */
export const ANNOTATIONS = {
  title: 'org.opencontainers.image.title',
  created: 'org.opencontainers.image.created',
  name: 'io.rock-os.name',
  version: 'io.rock-os.version',
  type: 'io.rock-os.type',
  role: 'io.rock-os.role',
  contract: 'io.rock-os.contract-version',
  sha256: 'io.rock-os.sha256',
  epoch: 'io.rock-os.source-date-epoch',
  depends: 'io.rock-os.depends',
  tags: 'io.rock-os.tags',
  metadata: 'io.rock-os.metadata',
} as const;

/** SOURCE_DATE_EPOCH as annotations (a reproducible build's time), none when unset. */
export function epochAnnotations(env: Readonly<NodeJS.ProcessEnv>): Record<string, string> {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || !/^\d+$/.test(epoch)) return {};
  return { [ANNOTATIONS.epoch]: epoch, [ANNOTATIONS.created]: new Date(Number(epoch) * 1000).toISOString() };
}

/** The layer annotations of a component. */
export function componentAnnotations(c: Component, env: Readonly<NodeJS.ProcessEnv>): Record<string, string> {
  const a: Record<string, string> = {
    [ANNOTATIONS.title]: c.file,
    [ANNOTATIONS.name]: c.name,
    [ANNOTATIONS.version]: c.version,
    [ANNOTATIONS.type]: c.type,
    [ANNOTATIONS.contract]: CONTRACT_VERSION,
    [ANNOTATIONS.sha256]: c.digest.slice('sha256:'.length),
    ...epochAnnotations(env),
  };
  if (c.role) a[ANNOTATIONS.role] = c.role;
  if (c.dependencies.length > 0) a[ANNOTATIONS.depends] = c.dependencies.map(formatId).join(',');
  if (c.tags.length > 0) a[ANNOTATIONS.tags] = c.tags.join(',');
  if (Object.keys(c.metadata).length > 0) a[ANNOTATIONS.metadata] = JSON.stringify(c.metadata);
  return a;
}

/**
 * A file name a registry gave (a layer title) that is safe to create in a directory: one path
 * component, not `.` or `..`, no NUL. Refuses REGISTRY_BAD_ANNOTATION otherwise.
 */
export function safeTitle(title: string | undefined, fallback: string): string {
  const name = title ?? fallback;
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    name.includes('/') ||
    name.includes('\0') ||
    name !== path.basename(name)
  ) {
    throw new InputError(
      'REGISTRY_BAD_ANNOTATION',
      `layer ${ANNOTATIONS.title}: expected a plain file name, got ${JSON.stringify(name)}`,
      { field: ANNOTATIONS.title, value: name },
    );
  }
  return name;
}

function bad(field: string, expected: string, got: unknown): never {
  throw new InputError(
    'REGISTRY_BAD_ANNOTATION',
    `layer ${field}: expected ${expected}, got ${JSON.stringify(got)}`,
    {
      field,
      value: got,
    },
  );
}

/** The component a pulled component manifest describes (its one layer and its annotations). */
export function componentFromManifest(manifest: ImageManifest): { component: Component; layer: Descriptor } {
  if (manifest.artifactType !== ARTIFACT_TYPES.component) {
    bad('artifactType', ARTIFACT_TYPES.component, manifest.artifactType ?? null);
  }
  if (manifest.layers.length !== 1) bad('layers', 'exactly one layer', manifest.layers.length);
  const layer = manifest.layers[0] as Descriptor;
  const a = layer.annotations ?? {};
  const id = checkComponentId(
    { name: a[ANNOTATIONS.name] ?? '', version: a[ANNOTATIONS.version] ?? '' },
    'layer',
  );
  const fileSha = a[ANNOTATIONS.sha256];
  if (fileSha !== undefined && `sha256:${fileSha}` !== layer.digest)
    bad(ANNOTATIONS.sha256, layer.digest.slice(7), fileSha);
  const type = (a[ANNOTATIONS.type] ?? 'component') as ComponentType;
  if (!COMPONENT_TYPES.includes(type)) bad(ANNOTATIONS.type, COMPONENT_TYPES.join(', '), type);
  const role = a[ANNOTATIONS.role] as ComponentRole | undefined;
  if (role !== undefined && !COMPONENT_ROLES.includes(role))
    bad(ANNOTATIONS.role, COMPONENT_ROLES.join(', '), role);
  let metadata: Record<string, string> = {};
  if (a[ANNOTATIONS.metadata] !== undefined) {
    try {
      metadata = JSON.parse(a[ANNOTATIONS.metadata] as string) as Record<string, string>;
    } catch {
      bad(ANNOTATIONS.metadata, 'a JSON object of strings', a[ANNOTATIONS.metadata]);
    }
    if (
      typeof metadata !== 'object' ||
      metadata === null ||
      !Object.values(metadata).every((v) => typeof v === 'string')
    ) {
      bad(ANNOTATIONS.metadata, 'a JSON object of strings', a[ANNOTATIONS.metadata]);
    }
  }
  const component: Component = {
    ...id,
    type,
    digest: layer.digest,
    size: layer.size,
    file: safeTitle(a[ANNOTATIONS.title], id.name),
    dependencies: (a[ANNOTATIONS.depends] ?? '')
      .split(',')
      .filter(Boolean)
      .map((d) => parseComponentId(d, ANNOTATIONS.depends)),
    tags: (a[ANNOTATIONS.tags] ?? '').split(',').filter(Boolean),
    metadata,
  };
  if (role) component.role = role;
  return { component, layer };
}
