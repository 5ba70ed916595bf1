export { IMAGE_SCHEMA_FILE, imageDefinitionJsonSchema } from './json-schema.js';
export {
  IMAGE_DEFINITION_FILE,
  type ImageDefinitionOptions,
  loadImageDefinition,
} from './load-definition.js';
export { mergeImageOptions } from './merge-options.js';
export { type ImageDefinition, imageDefinitionSchema } from './schema.js';
