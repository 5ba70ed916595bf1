import { lstatSync, readFileSync } from 'node:fs';
import { CheckError, InputError } from '../errors/index.js';
import {
  type CryptFileResult,
  decryptFile,
  encryptFile,
  isEnvelope,
  openBytes,
  readConfigKey,
} from '../security/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { errnoText } from '../util/fs-errors.js';
import { type NamedInput, refuseOutputAmongInputs } from '../util/output-among-inputs.js';
import { statRegularFile } from '../util/regular-file.js';
import { formatYamlIssue, parseYaml } from '../yaml/index.js';
import { describeContent, isBinaryText, isMapping } from './describe-content.js';
import { type MergeResult, mergeConfigs } from './merge.js';
import { type ConfigIssue, type ValidationResult, validateNodeConfig } from './parse.js';
import { redactYaml } from './redact.js';
import { STARTER_NODE_CONFIG } from './starter.js';

/** Largest config file read (configs are small). */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** Options of the readers: the key for a config that is encrypted. */
export interface ConfigReadOptions {
  /** CONFIG_KEY file; needed only when the config is an envelope. */
  key?: string;
}

/** A config file's text, decrypted in memory when it was an envelope. */
export interface ConfigText {
  source: string;
  text: string;
  /** Bytes of the (decrypted) content. */
  size: number;
  encrypted: boolean;
}

/**
 * Reads a config file; an envelope is decrypted in memory with `options.key` (nothing is written).
 * Returns the text.
 *
 * Refuses INPUT_NOT_FOUND, INPUT_NOT_FILE, CONFIG_TOO_LARGE, CONFIG_ENCRYPTED (an envelope and no key)
 * and the envelope and key errors; all exit 2.
 */
export function readConfigText(path: string, options: ConfigReadOptions = {}): ConfigText {
  const { size } = statRegularFile(path);
  if (size > MAX_CONFIG_BYTES) {
    throw new InputError('CONFIG_TOO_LARGE', `${path}: expected at most 16 MiB, got ${size} bytes`, { path });
  }
  const bytes = readFileSync(path);
  if (!isEnvelope(bytes))
    return { source: path, text: bytes.toString('utf8'), size: bytes.length, encrypted: false };
  if (options.key === undefined) {
    throw new InputError(
      'CONFIG_ENCRYPTED',
      `${path}: the config is encrypted; pass key CONFIG_KEY to read it`,
      { field: 'key', path },
    );
  }
  const { key } = readConfigKey(options.key);
  try {
    const plain = openBytes(key, bytes, path);
    const text = plain.toString('utf8');
    const size = plain.length;
    plain.fill(0);
    return { source: path, text, size, encrypted: true };
  } finally {
    key.fill(0);
  }
}

/** The validation of one file. */
export interface FileValidation {
  source: string;
  encrypted: boolean;
  result: ValidationResult;
}

/** Reads (decrypting if needed) and validates one node config file. Refuses what {@link readConfigText} refuses. */
export function validateConfigFile(path: string, options: ConfigReadOptions = {}): FileValidation {
  const { text, size, encrypted } = readConfigText(path, options);
  return { source: path, encrypted, result: validateNodeConfig(text, size) };
}

/**
 * The config with every secret value redacted, ready to print. Refuses what {@link readConfigText}
 * refuses, and CONFIG_NOT_A_MAPPING (exit 2) for binary data or YAML that is not a mapping.
 */
export function showConfig(path: string, options: ConfigReadOptions = {}): string {
  const { text, size } = readConfigText(path, options);
  // A file that is not a mapping (often a secret in the wrong place) is described, never printed.
  const parsed = isBinaryText(text) ? undefined : parseYaml(text);
  if (parsed === undefined || (parsed.ok && !isMapping(parsed.value))) {
    const found = describeContent(text, parsed?.ok ? parsed.value : undefined, size);
    throw new InputError(
      'CONFIG_NOT_A_MAPPING',
      `${path}: expected a node configuration (a YAML mapping), found ${found}; nothing of it is shown`,
      { path },
    );
  }
  return redactYaml(text);
}

function invalid(source: string, errors: ConfigIssue[]): CheckError {
  const lines = errors.map((e) => formatYamlIssue(source, e));
  return new CheckError(
    'CONFIG_INVALID',
    `${lines[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    {
      path: source,
      errors: lines,
    },
  );
}

/**
 * Encrypts a node config with the shared envelope after checking it validates (so a broken config is
 * never sealed where nobody can read it). Returns what `encryptFile` wrote.
 *
 * Refuses CONFIG_INVALID (exit 1) unless `validate` is false, CONFIG_ALREADY_ENCRYPTED, and the errors
 * of `encryptFile`.
 */
export async function encryptConfig(
  input: string,
  output: string,
  keyFile: string,
  options: { validate?: boolean } = {},
): Promise<CryptFileResult> {
  let config: ConfigText;
  try {
    config = readConfigText(input);
  } catch (err) {
    if ((err as InputError).code !== 'CONFIG_ENCRYPTED') throw err;
    throw new InputError('CONFIG_ALREADY_ENCRYPTED', `${input}: already encrypted`, { path: input });
  }
  if (options.validate !== false) {
    const result = validateNodeConfig(config.text, config.size);
    if (!result.ok) throw invalid(input, result.errors);
  }
  return encryptFile(input, output, keyFile, { mode: 0o644 });
}

/**
 * Decrypts a config envelope to `output` (mode 0600; renamed into place only after authentication)
 * and validates the plaintext. Returns what was written and the validation; an invalid plaintext is
 * reported, not refused (the file is the user's to fix).
 */
export async function decryptConfig(
  input: string,
  output: string,
  keyFile: string,
): Promise<CryptFileResult & { validation: ValidationResult }> {
  const written = await decryptFile(input, output, keyFile, { mode: 0o600 });
  return { ...written, validation: validateNodeConfig(readFileSync(output, 'utf8')) };
}

/**
 * Writes the commented starter node.yaml to `output` (mode 0644, atomically).
 * Refuses CONFIG_EXISTS (exit 2) when the file exists and `force` is not set.
 */
export async function writeStarter(output: string, options: { force?: boolean } = {}): Promise<void> {
  let exists = true;
  try {
    lstatSync(output);
  } catch {
    exists = false;
  }
  if (exists && !options.force) {
    throw new InputError('CONFIG_EXISTS', `${output}: already exists; refusing to overwrite it (use force)`, {
      field: 'force',
      path: output,
    });
  }
  await writeFileAtomic(output, STARTER_NODE_CONFIG, { mode: 0o644 });
}

/**
 * Writes generated or merged text to `output` (mode 0644, atomically). Refuses OUTPUT_IS_INPUT when
 * `output` is one of `inputs` (the files the text was made from).
 */
export async function writeConfigText(
  output: string,
  text: string,
  inputs: readonly NamedInput[] = [],
): Promise<void> {
  refuseOutputAmongInputs(output, inputs);
  try {
    await writeFileAtomic(output, text, { mode: 0o644 });
  } catch (err) {
    throw new InputError('OUTPUT_WRITE_FAILED', `${output}: cannot write: ${errnoText(err)}`, {
      path: output,
    });
  }
}

/**
 * Reads the base and override files (decrypting envelopes with `options.key`) and merges them (see
 * `mergeConfigs`). Returns the merged text and its validation.
 */
export function mergeConfigFiles(
  base: string,
  overrides: readonly string[],
  options: ConfigReadOptions = {},
): MergeResult {
  const read = (path: string) => ({ text: readConfigText(path, options).text, source: path });
  return mergeConfigs(read(base), overrides.map(read));
}
