export {
  type ConfigCommands,
  configCommands,
  type DecryptCommandOptions,
  type EncryptCommandOptions,
  type GenerateCommandOptions,
  type InitCommandOptions,
  type MergeCommandOptions,
  type SchemaCommandOptions,
  type ShowCommandOptions,
  type TextOutput,
  type ValidateCommandOptions,
} from './commands.js';
export { type ConfigEntryOptions, configEntries } from './config-entries.js';
export {
  type ConfigReadOptions,
  type ConfigText as ConfigFileText,
  decryptConfig,
  encryptConfig,
  type FileValidation,
  mergeConfigFiles,
  readConfigText,
  showConfig,
  validateConfigFile,
  writeConfigText,
  writeStarter,
} from './config-files.js';
export { CONFIG_ERROR_CODES, type ConfigErrorCode } from './error-codes.js';
export { type GenerateOptions, generateNodeConfig } from './generate.js';
export { NODE_SCHEMA_FILE, nodeConfigJsonSchema, nodeConfigJsonSchemaText } from './json-schema.js';
export { type ConfigText, type MergeResult, mergeConfigs } from './merge.js';
export {
  type ConfigIssue,
  type ValidationResult,
  validateNodeConfig,
} from './parse.js';
export { REDACTED, redactYaml } from './redact.js';
export {
  type NodeConfig,
  type NodeConfigInput,
  nodeConfigSchema,
  SECRET_KEYS,
} from './schema.js';
export { setNodeMac } from './set-mac.js';
export { STARTER_NODE_CONFIG } from './starter.js';
