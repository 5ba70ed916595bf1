import { lstatSync } from 'node:fs';
import { InputError, ToolError } from '../errors/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { backupFile } from './backup.js';
import { errnoCode, formatKey, generateKeyBytes } from './key-file.js';
import { formatPublicKey, formatSecretKey, generateSigningKey, keyIdHex } from './minisign.js';

/** Options of the key generators. */
export interface KeygenOptions {
  /** Replace an existing key, after copying it to `<file>.bak-<stamp>`. */
  force?: boolean;
  /** Clock for the backup's name (tests pin it). */
  now?: Date;
}

/** What {@link createConfigKey} did. */
export interface ConfigKeyResult {
  path: string;
  /** The backup of the key it replaced (only with `force`). */
  backup?: string;
}

/**
 * Refuses OUTPUT_IS_DIRECTORY for a directory (forced or not: a key file is written, never a
 * directory replaced), KEY_EXISTS for an existing file unless forced; with force, backs the file up.
 * Returns the backup path.
 */
function makeRoom(path: string, options: KeygenOptions): string | undefined {
  let st: ReturnType<typeof lstatSync> | undefined;
  try {
    st = lstatSync(path);
  } catch {
    st = undefined;
  }
  if (st === undefined) return undefined;
  if (st.isDirectory()) {
    throw new InputError(
      'OUTPUT_IS_DIRECTORY',
      `${path}: output: expected a key file path, found a directory (name the file, e.g. ${path.replace(/\/+$/, '')}/CONFIG_KEY)`,
      { path },
    );
  }
  if (!options.force) {
    throw new InputError(
      'KEY_EXISTS',
      `${path}: a key already exists; refusing to overwrite it (use force, which keeps a backup)`,
      { field: 'force', path },
    );
  }
  return backupFile(path, options.now ?? new Date());
}

async function writeSecret(path: string, text: string, mode: number): Promise<void> {
  try {
    await writeFileAtomic(path, text, { mode });
  } catch (err) {
    // Our atomic writer already says what is wrong with the output, in one line.
    if (err instanceof ToolError) throw err;
    throw new InputError('OUTPUT_WRITE_FAILED', `${path}: cannot write: ${errnoCode(err)}`, { path });
  }
}

/**
 * Writes a new CONFIG_KEY to `path`: 32 bytes from the OS CSPRNG, base64 and a newline, mode 0600,
 * atomically. Returns where it went (and the backup, when it replaced a key). The key itself is never
 * returned, printed or logged.
 *
 * Refuses KEY_EXISTS (exit 2) when `path` exists and `force` is not set; BACKUP_FAILED,
 * OUTPUT_WRITE_FAILED when the filesystem says no.
 */
export async function createConfigKey(path: string, options: KeygenOptions = {}): Promise<ConfigKeyResult> {
  const backup = makeRoom(path, options);
  const key = generateKeyBytes();
  try {
    await writeSecret(path, formatKey(key), 0o600);
  } finally {
    key.fill(0);
  }
  return backup === undefined ? { path } : { path, backup };
}

/** What {@link createSigningKeyPair} did. */
export interface SigningKeyResult {
  secretKey: string;
  publicKey: string;
  /** minisign's key id: 16 upper-case hex digits, as `minisign` prints it. */
  keyId: string;
  backup?: string;
}

/**
 * Writes a new Ed25519 signing key pair in minisign's formats: the secret key (unencrypted, as
 * `minisign -G -W` writes it) at `secretPath` with mode 0600, the public key at `publicPath` with mode
 * 0644. Returns the paths and the key id.
 *
 * Refuses KEY_EXISTS when the secret key exists and `force` is not set (a forced run backs it up).
 */
export async function createSigningKeyPair(
  secretPath: string,
  publicPath: string,
  options: KeygenOptions = {},
): Promise<SigningKeyResult> {
  const backup = makeRoom(secretPath, options);
  const key = generateSigningKey();
  try {
    await writeSecret(secretPath, formatSecretKey(key), 0o600);
  } finally {
    key.seed.fill(0);
  }
  await writeSecret(publicPath, formatPublicKey(key), 0o644);
  const result: SigningKeyResult = {
    secretKey: secretPath,
    publicKey: publicPath,
    keyId: keyIdHex(key.keyId),
  };
  if (backup !== undefined) result.backup = backup;
  return result;
}
