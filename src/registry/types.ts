/** What a catalogued artifact is. */
export type ComponentType = 'component' | 'kernel' | 'image';
export const COMPONENT_TYPES: readonly ComponentType[] = ['component', 'kernel', 'image'];

/** The contract role a component plays in an image (`src/contract`). */
export type ComponentRole = 'init' | 'manager' | 'agent' | 'busybox';
export const COMPONENT_ROLES: readonly ComponentRole[] = ['init', 'manager', 'agent', 'busybox'];

/** `name@version`. */
export interface ComponentId {
  name: string;
  version: string;
}

/** One catalogued artifact: metadata here, bytes in rock-cache's store under {@link blobKey}. */
export interface Component extends ComponentId {
  type: ComponentType;
  /** `sha256:<hex>` of the file. */
  digest: string;
  size: number;
  /** The file's base name when added (the layer title when pushed). */
  file: string;
  role?: ComponentRole;
  dependencies: ComponentId[];
  tags: string[];
  metadata: Record<string, string>;
}

/** A node of `deps`: a component and what it depends on; `missing` when not catalogued. */
export interface DependencyNode extends ComponentId {
  missing?: boolean;
  /** Already shown higher up in the tree (a diamond): its children are not repeated. */
  seen?: boolean;
  dependencies: DependencyNode[];
}

/** The cache key a component's bytes are kept under (keeps them from being pruned). */
export function blobKey(id: ComponentId): string {
  return `rock-registry/${id.name}@${id.version}`;
}

/** `name@version`. */
export function formatId(id: ComponentId): string {
  return `${id.name}@${id.version}`;
}
