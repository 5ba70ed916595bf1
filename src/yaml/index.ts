export { type ParsedYaml, parseYaml } from './parse-yaml.js';
export { describeValue, expectedText, schemaIssues } from './schema-issues.js';
export {
  dottedPath,
  formatYamlIssue,
  sortIssues,
  type YamlIssue,
  type YamlLocator,
  type YamlPath,
  type YamlPosition,
} from './types.js';
export {
  type ValidateYamlOptions,
  validateParsed,
  validateYaml,
  type YamlValidation,
} from './validate-yaml.js';
export { YamlInvalidError } from './yaml-invalid-error.js';
