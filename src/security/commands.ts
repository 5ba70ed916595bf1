/**
 * The commands of `rock-security` as library functions: `(options, context) => result`. Key paths
 * are files; nothing here reads `process` (SOURCE_DATE_EPOCH comes from `context.env`).
 */
import type { RunContext } from '../util/run-context.js';
import { sourceDateEpoch } from '../util/source-date-epoch.js';
import { checkKeys, type KeyCheckReport } from './check.js';
import { type CryptFileResult, decryptFile, encryptFile } from './envelope-file.js';
import { type FileDigest, type HashAlgorithm, hashFile } from './hash.js';
import { CONFIG_KEY_NAME, SIGNING_KEY_NAME } from './key-names.js';
import {
  type ConfigKeyResult,
  createConfigKey,
  createSigningKeyPair,
  type SigningKeyResult,
} from './keygen.js';
import { type RotateResult, rotateKey } from './rotate.js';
import { type SignatureInfo, signFile, verifySignature } from './sign.js';

export { CONFIG_KEY_NAME, SIGNING_KEY_NAME };

/** `keygen`: a new CONFIG_KEY at `output` (default {@link CONFIG_KEY_NAME}). */
export interface KeygenCommandOptions {
  output?: string;
  force?: boolean;
}

/** `keygen --sign`: a minisign key pair; `pub` defaults to `output` with `.pub` for `.key`. */
export interface SigningKeygenCommandOptions extends KeygenCommandOptions {
  pub?: string;
}

/** `encrypt`, `decrypt`: one file to another under a CONFIG_KEY file. */
export interface CryptCommandOptions {
  input: string;
  output: string;
  key: string;
}

export interface SignCommandOptions {
  file: string;
  /** Secret key file. */
  key: string;
  signature?: string;
  legacy?: boolean;
  trustedComment?: string;
}

export interface VerifyCommandOptions {
  file: string;
  /** Public key file. */
  pub: string;
  signature?: string;
  requirePrehashed?: boolean;
}

export interface HashCommandOptions {
  files: string[];
  algo: HashAlgorithm;
}

export interface CheckCommandOptions {
  /** Directory or image. */
  target: string;
  strict?: boolean;
}

export interface RotateCommandOptions {
  key: string;
  /** Directories searched for envelopes; default the key's directory. */
  dirs?: string[];
}

/** Every rock-security command; the CLI takes this table (tests pass recording ones). */
export interface SecurityCommands {
  keygen(options: KeygenCommandOptions, context: RunContext): Promise<ConfigKeyResult>;
  keygenSigning(options: SigningKeygenCommandOptions, context: RunContext): Promise<SigningKeyResult>;
  encrypt(options: CryptCommandOptions, context: RunContext): Promise<CryptFileResult>;
  decrypt(options: CryptCommandOptions, context: RunContext): Promise<CryptFileResult>;
  sign(options: SignCommandOptions, context: RunContext): Promise<SignatureInfo>;
  verify(options: VerifyCommandOptions, context: RunContext): Promise<SignatureInfo>;
  hash(options: HashCommandOptions, context: RunContext): Promise<FileDigest[]>;
  check(options: CheckCommandOptions, context: RunContext): Promise<KeyCheckReport>;
  rotate(options: RotateCommandOptions, context: RunContext): Promise<RotateResult>;
}

export const securityCommands: SecurityCommands = {
  keygen: ({ output, force }) => createConfigKey(output ?? CONFIG_KEY_NAME, { force }),
  keygenSigning: ({ output, pub, force }) => {
    const secret = output ?? SIGNING_KEY_NAME;
    return createSigningKeyPair(secret, pub ?? `${secret.replace(/\.key$/, '')}.pub`, { force });
  },
  encrypt: ({ input, output, key }) => encryptFile(input, output, key),
  decrypt: ({ input, output, key }) => decryptFile(input, output, key),
  sign: ({ file, key, signature, legacy, trustedComment }, { env }) =>
    signFile(file, key, { output: signature, legacy, trustedComment, timestamp: sourceDateEpoch(env) }),
  verify: ({ file, pub, signature, requirePrehashed }) =>
    verifySignature(file, pub, { signature, requirePrehashed }),
  hash: async ({ files, algo }) => {
    const digests: FileDigest[] = [];
    for (const file of files) digests.push(await hashFile(file, algo));
    return digests;
  },
  check: ({ target, strict }) => checkKeys(target, { strictModes: strict }),
  rotate: ({ key, dirs }) => rotateKey(key, { dirs }),
};
