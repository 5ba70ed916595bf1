/**
 * The commands of `rock-config` as library functions: `(options, context) => result`. A command with
 * an optional `output` returns its text when there is none (the CLI prints it) and writes it when
 * there is one.
 */
import type { CryptFileResult } from '../security/index.js';
import type { RunContext } from '../util/run-context.js';
import {
  decryptConfig,
  encryptConfig,
  type FileValidation,
  mergeConfigFiles,
  showConfig,
  validateConfigFile,
  writeConfigText,
  writeStarter,
} from './config-files.js';
import { type GenerateOptions, generateNodeConfig } from './generate.js';
import { nodeConfigJsonSchemaText } from './json-schema.js';
import type { MergeResult } from './merge.js';
import type { ValidationResult } from './parse.js';
import { STARTER_NODE_CONFIG } from './starter.js';

/** Text a command made, and the file it went to (none: the caller prints `text`). */
export interface TextOutput {
  text: string;
  output?: string;
}

/** `init`: the starter node.yaml to `output`, or returned when there is none. */
export interface InitCommandOptions {
  output?: string;
  force?: boolean;
}

export interface GenerateCommandOptions extends GenerateOptions {
  output?: string;
}

export interface ValidateCommandOptions {
  files: string[];
  /** CONFIG_KEY file, for encrypted configs. */
  key?: string;
}

/** `merge`: written to `output` only when the merged configuration validates. */
export interface MergeCommandOptions {
  base: string;
  overrides: string[];
  output?: string;
  key?: string;
}

export interface ShowCommandOptions {
  file: string;
  key?: string;
}

export interface EncryptCommandOptions {
  input: string;
  output: string;
  key: string;
  /** false: encrypt even a config that does not validate. */
  validate?: boolean;
}

export interface DecryptCommandOptions {
  input: string;
  output: string;
  key: string;
}

export interface SchemaCommandOptions {
  output?: string;
}

/** Every rock-config command; the CLI takes this table (tests pass recording ones). */
export interface ConfigCommands {
  init(options: InitCommandOptions, context: RunContext): Promise<TextOutput>;
  generate(options: GenerateCommandOptions, context: RunContext): Promise<TextOutput>;
  validate(options: ValidateCommandOptions, context: RunContext): Promise<FileValidation[]>;
  merge(options: MergeCommandOptions, context: RunContext): Promise<MergeResult & { output?: string }>;
  show(options: ShowCommandOptions, context: RunContext): Promise<string>;
  encrypt(options: EncryptCommandOptions, context: RunContext): Promise<CryptFileResult>;
  decrypt(
    options: DecryptCommandOptions,
    context: RunContext,
  ): Promise<CryptFileResult & { validation: ValidationResult }>;
  schema(options: SchemaCommandOptions, context: RunContext): Promise<TextOutput>;
}

async function textTo(text: string, output: string | undefined): Promise<TextOutput> {
  if (output !== undefined) await writeConfigText(output, text);
  return { text, output };
}

export const configCommands: ConfigCommands = {
  init: async ({ output, force }) => {
    if (output !== undefined) await writeStarter(output, { force });
    return { text: STARTER_NODE_CONFIG, output };
  },
  generate: ({ output, ...values }) => textTo(generateNodeConfig(values), output),
  validate: async ({ files, key }) => files.map((f) => validateConfigFile(f, { key })),
  merge: async ({ base, overrides, output, key }) => {
    const result = mergeConfigFiles(base, overrides, { key });
    if (!result.validation.ok || output === undefined) return result;
    await writeConfigText(output, result.text, [
      { path: base, field: 'base' },
      ...overrides.map((path) => ({ path, field: 'overrides' })),
      ...(key === undefined ? [] : [{ path: key, field: 'key' }]),
    ]);
    return { ...result, output };
  },
  show: async ({ file, key }) => showConfig(file, { key }),
  encrypt: ({ input, output, key, validate }) => encryptConfig(input, output, key, { validate }),
  decrypt: ({ input, output, key }) => decryptConfig(input, output, key),
  schema: ({ output }) => textTo(nodeConfigJsonSchemaText(), output),
};
