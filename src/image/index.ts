export { collectTree } from './collect-tree.js';
export {
  type CreateCommandOptions,
  type ExtractCommandOptions,
  type FleetCommandOptions,
  type ImageCommands,
  imageCommands,
  type ListCommandOptions,
  type ListNamesCommandOptions,
  type OverlayCommandOptions,
  type PackCommandOptions,
} from './commands.js';
export {
  type CreateImageOptions,
  type CreateImageResult,
  createImage,
  type PackRootfsOptions,
  type ProgressEvent,
  packRootfs,
} from './create-image.js';
export { DEFAULT_IMAGE_BASE, defaultImageName } from './default-output.js';
export {
  IMAGE_DEFINITION_FILE,
  IMAGE_SCHEMA_FILE,
  type ImageDefinition,
  type ImageDefinitionOptions,
  imageDefinitionJsonSchema,
  loadImageDefinition,
  mergeImageOptions,
} from './definition/index.js';
export { depsEntries } from './deps-input.js';
export { IMAGE_ERROR_CODES, type ImageErrorCode } from './error-codes.js';
export type { ExtractOptions, ExtractResult, ExtractWarning } from './extract/index.js';
export { extractRecords, writtenSentence } from './extract/index.js';
export { extractImage } from './extract-image.js';
export { type ComponentFiles, type ContractInputs, layoutContract } from './layout-contract.js';
export { formatLong, type ListedEntry, listImage, listImageNames, modeString } from './list-image.js';
export * from './overlay/index.js';
export { type PrepareOptions, prepareEntries } from './prepare-entries.js';
export { COMPONENT_FILE_NAMES, resolveComponents } from './resolve-components.js';
export { type CompressionChoice, writeArchive } from './write-archive.js';
