/**
 * Judges one key file from its facts (name, mode, size, content), wherever it was found: a directory
 * on the build host or a record inside an image. Findings name the file and what was expected; they
 * never quote the content.
 */
import { CONFIG_KEY_MODES, CONFIG_KEY_PATH } from '../contract/index.js';
import { isEnvelope } from './envelope.js';
import { CONFIG_KEY_TEXT_LENGTH, isExposed, parseKey } from './key-file.js';
import { parseSecretKey } from './minisign.js';

/** How bad a finding is: errors fail `check`, warnings are printed and do not. */
export type FindingLevel = 'ok' | 'warning' | 'error';

/** One verdict about one file. */
export interface KeyFinding {
  path: string;
  level: FindingLevel;
  /** Stable id: `key.mode`, `key.format`, `key.symlink`, `signing-key.mode`, ... */
  rule: string;
  /** One line: `<path>: <what>: expected <x>, found <y>`. */
  message: string;
}

/** What is known about a file that may be a key. */
export interface KeyFileFacts {
  /** As shown to the user: a host path, or the absolute path inside the image. */
  path: string;
  type: 'file' | 'symlink' | 'other';
  perm: number;
  size: number;
  /** The content (files only). */
  data: Uint8Array;
}

/** What a file was recognised as. */
export type KeyKind = 'config-key' | 'signing-key' | 'envelope' | 'none';

/** Options of {@link inspectKeyFile}. */
export interface InspectOptions {
  /** Treat a group- or world-accessible key as an error (rock-verify) instead of a warning (check). */
  strictModes?: boolean;
}

const KEY_BASENAME = CONFIG_KEY_PATH.slice(CONFIG_KEY_PATH.lastIndexOf('/') + 1);

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True for `CONFIG_KEY` and its backups `CONFIG_KEY.bak-*`, the names a config key goes by. */
export function isConfigKeyName(path: string): boolean {
  const name = baseName(path);
  return name === KEY_BASENAME || name.startsWith(`${KEY_BASENAME}.bak-`);
}

/**
 * Recognises a file by name and content: a config key (`CONFIG_KEY`, its backups, `*.key` of key size,
 * or any file holding exactly a key), a minisign secret key, an envelope, or none.
 */
export function classify(facts: KeyFileFacts): KeyKind {
  if (isConfigKeyName(facts.path)) return 'config-key';
  if (facts.type !== 'file') return 'none';
  const head = Buffer.from(facts.data.subarray(0, 64)).toString('latin1');
  if (isEnvelope(facts.data)) return 'envelope';
  if (head.startsWith('untrusted comment:') && facts.size < 1024 && looksLikeSecretKey(facts.data))
    return 'signing-key';
  if (baseName(facts.path).endsWith('.key') && facts.size <= CONFIG_KEY_TEXT_LENGTH + 2) return 'config-key';
  // Whatever its name, a file holding exactly a config key is one.
  if (facts.size >= CONFIG_KEY_TEXT_LENGTH && facts.size <= CONFIG_KEY_TEXT_LENGTH + 2 && holdsKey(facts))
    return 'config-key';
  return 'none';
}

function holdsKey(facts: KeyFileFacts): boolean {
  try {
    parseKey(facts.data, facts.path).fill(0);
    return true;
  } catch {
    return false;
  }
}

function looksLikeSecretKey(data: Uint8Array): boolean {
  const second = Buffer.from(data).toString('latin1').split('\n')[1]?.replace(/\r$/, '') ?? '';
  return second.length === 212 && second.startsWith('RW');
}

function finding(path: string, level: FindingLevel, rule: string, message: string): KeyFinding {
  return { path, level, rule, message: `${path}: ${message}` };
}

function modeText(perm: number): string {
  return `0${perm.toString(8).padStart(3, '0')}`;
}

/**
 * Judges one file. Returns nothing for a file that is no key; otherwise one finding per problem, or
 * a single `ok` finding. A config key must be a regular file of 44 base64 characters decoding to 32
 * bytes (optional newline) with an owner-only mode; a minisign secret key must parse and be owner-only.
 */
export function inspectKeyFile(facts: KeyFileFacts, options: InspectOptions = {}): KeyFinding[] {
  const kind = classify(facts);
  if (kind === 'none' || kind === 'envelope') return [];
  const { path } = facts;
  const modeLevel: FindingLevel = options.strictModes ? 'error' : 'warning';
  const prefix = kind === 'config-key' ? 'key' : 'signing-key';
  if (facts.type !== 'file') {
    const found = facts.type === 'symlink' ? 'a symlink' : 'a special file';
    return [finding(path, 'error', `${prefix}.type`, `type: expected a regular file, found ${found}`)];
  }
  const out: KeyFinding[] = [];
  if (kind === 'config-key') {
    try {
      parseKey(facts.data, path);
    } catch {
      out.push(
        finding(
          path,
          'error',
          'key.format',
          `content: expected base64 of 32 bytes (${CONFIG_KEY_TEXT_LENGTH} characters, optional newline), found ${facts.size} bytes`,
        ),
      );
    }
    if (!CONFIG_KEY_MODES.includes(facts.perm)) {
      const allowed = CONFIG_KEY_MODES.map(modeText).join(' or ');
      const level = isExposed(facts.perm) || (facts.perm & 0o7000) !== 0 ? modeLevel : 'warning';
      out.push(finding(path, level, 'key.mode', `mode: expected ${allowed}, found ${modeText(facts.perm)}`));
    }
  } else {
    try {
      const key = parseSecretKey(Buffer.from(facts.data).toString('latin1'), path);
      key.seed.fill(0);
    } catch (err) {
      out.push(finding(path, 'error', 'signing-key.format', (err as Error).message.slice(path.length + 2)));
    }
    if (isExposed(facts.perm)) {
      out.push(
        finding(
          path,
          modeLevel,
          'signing-key.mode',
          `mode: expected 0600 or 0400, found ${modeText(facts.perm)}`,
        ),
      );
    }
  }
  if (out.length === 0) {
    const what = kind === 'config-key' ? 'config key' : 'minisign secret key';
    out.push(
      finding(path, 'ok', `${prefix}.ok`, `${what}, mode ${modeText(facts.perm)}, ${facts.size} bytes`),
    );
  }
  return out;
}
