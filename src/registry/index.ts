export { ANNOTATIONS, ARTIFACT_TYPES, CONTRACT_VERSION, LAYER_TYPES } from './annotations.js';
export { Catalogue } from './catalogue.js';
export {
  type AddOptions,
  addComponent,
  componentDependencies,
  getComponent,
  listComponents,
  removeComponent,
  searchComponents,
} from './catalogue-commands.js';
export { checkComponentId, parseComponentId } from './component-id.js';
export { openRegistryDb, registryDbPath, SCHEMA_VERSION } from './db.js';
export { formatDependencyTree } from './deps.js';
export { REGISTRY_ERROR_CODES, type RegistryErrorCode } from './error-codes.js';
export { formatComponent, formatComponentLine, formatInspect } from './format.js';
export { type PullImageReport, type PushImageReport, pullImage, pushImage } from './image-commands.js';
export { type LoginOptions, login, logout } from './login-commands.js';
export {
  type InspectReport,
  inspectArtifact,
  type PullReport,
  pullComponent,
  pushComponent,
} from './oci-commands.js';
export type { PushReport, RemoteOptions } from './references.js';
export { exportRegistry, importRegistry, type TransferReport } from './transfer.js';
export {
  COMPONENT_ROLES,
  COMPONENT_TYPES,
  type Component,
  type ComponentId,
  type ComponentRole,
  type ComponentType,
  type DependencyNode,
  formatId,
} from './types.js';
