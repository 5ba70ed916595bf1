/**
 * rock-build: builds the components of an image from source (cargo, go, make or any command),
 * checks every output against what its role needs (ELF, machine, static, loader closure), names it
 * after its contract role, and takes unchanged components from rock-cache.
 */

export {
  type BuildEvent,
  type BuildOptions,
  type BuildReport,
  buildComponents,
  type ComponentResult,
  manifestOf,
  selectComponents,
} from './build-components.js';
export { FAILED_LOG_LINES, outputName } from './build-one.js';
export {
  type BuildState,
  type ComponentRecord,
  LOCK_FILE,
  lockOf,
  readState,
  STATE_DIR,
} from './build-state.js';
export { type BuildPlan, planBuild } from './builders.js';
export { checkOutput, type OutputFacts } from './check-output.js';
export { type ComponentCheck, checkToolchains, installHint, type Requirement } from './check-toolchains.js';
export { ALWAYS_PASSED, childEnv } from './child-env.js';
export { type CleanReport, cleanOutputs } from './clean-outputs.js';
export {
  type BuildCommands,
  buildCommands,
  type CheckOptions,
  type CleanOptions,
  type ListOptions,
  type ManifestOptions,
} from './commands.js';
export { canonicalJson, componentKey, type KeyDocument, keyDifferences } from './component-key.js';
export { BUILD_ERROR_CODES, type BuildErrorCode } from './error-codes.js';
export { COMPONENTS_SCHEMA_FILE, componentsJsonSchema, componentsJsonSchemaText } from './json-schema.js';
export { type ComponentListing, listComponents } from './list-components.js';
export {
  type Component,
  componentSchema,
  MACHINES,
  type Manifest,
  manifestSchema,
} from './manifest-schema.js';
export { DEFAULT_OUTPUT_DIR, type LoadedManifest, loadManifest, validateManifest } from './parse-manifest.js';
