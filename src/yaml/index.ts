export {
  dottedPath,
  formatYamlIssue,
  sortIssues,
  type ValidateYamlOptions,
  validateYaml,
  type YamlIssue,
  type YamlLocator,
  type YamlPath,
  type YamlValidation,
} from './validate-yaml.js';
export { YamlInvalidError } from './yaml-invalid-error.js';
