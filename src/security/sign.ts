import { createHash, sign, verify } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CheckError, InputError, ToolError } from '../errors/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { openInput } from '../util/open-input.js';
import { refuseOutputAmongInputs } from '../util/output-among-inputs.js';
import { errnoCode } from './key-file.js';
import {
  formatSignature,
  keyIdHex,
  type MinisignSignature,
  parsePublicKey,
  parseSecretKey,
  parseSignature,
  privateKeyObject,
  publicKeyObject,
  type SignatureAlgorithm,
} from './minisign.js';

/** The suffix minisign gives signature files. */
export const SIGNATURE_SUFFIX = '.minisig';

/** minisign refuses to sign more than 1 GiB without prehashing; so does this. */
const LEGACY_MAX = 1 << 30;

/** Options of {@link signFile}. */
export interface SignOptions {
  /** Signature file to write; default `<file>.minisig`. */
  output?: string;
  /** Sign the raw file (`Ed`, minisign -l) instead of its BLAKE2b-512 (`ED`, the default). */
  legacy?: boolean;
  /** Trusted (signed) comment; default minisign's `timestamp:<t>\tfile:<name>[\thashed]`. */
  trustedComment?: string;
  /** Untrusted comment; default `signature from rock-security secret key`. */
  untrustedComment?: string;
  /** Seconds since the epoch for the default trusted comment (SOURCE_DATE_EPOCH); default now. */
  timestamp?: number;
}

/** What {@link signFile} wrote, or what {@link verifySignature} accepted. */
export interface SignatureInfo {
  file: string;
  signatureFile: string;
  algorithm: SignatureAlgorithm;
  /** minisign's key id, 16 upper-case hex digits. */
  keyId: string;
  trustedComment: string;
}

async function blake2b512(file: string): Promise<Buffer> {
  const hash = createHash('blake2b512');
  for await (const chunk of openInput(file)) hash.update(chunk);
  return hash.digest();
}

function wholeFile(file: string): Buffer {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch (err) {
    throw new InputError('INPUT_NOT_FOUND', `${file}: cannot read: ${errnoCode(err)}`, { path: file });
  }
  if (!st.isFile())
    throw new InputError('INPUT_NOT_FILE', `${file}: expected a regular file`, { path: file });
  if (st.size > LEGACY_MAX) {
    throw new InputError(
      'SIGN_FILE_TOO_LARGE',
      `${file}: larger than 1 GiB; use a prehashed (default) signature`,
      {
        path: file,
      },
    );
  }
  return readFileSync(file);
}

async function message(file: string, algorithm: SignatureAlgorithm): Promise<Buffer> {
  return algorithm === 'ED' ? blake2b512(file) : wholeFile(file);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('INPUT_NOT_FOUND', `${path}: cannot read the ${what}: ${errnoCode(err)}`, { path });
  }
}

/**
 * Signs `file` with the minisign secret key in `secretKeyFile` and writes the `.minisig` atomically.
 * Ed25519 is deterministic, so the same file, key and trusted comment give the same bytes.
 * Returns what was written.
 *
 * Refuses the secret key errors of `parseSecretKey`, INPUT_NOT_FOUND / INPUT_NOT_FILE,
 * SIGN_FILE_TOO_LARGE (legacy only), BAD_COMMENT and OUTPUT_WRITE_FAILED; all exit 2.
 */
export async function signFile(
  file: string,
  secretKeyFile: string,
  options: SignOptions = {},
): Promise<SignatureInfo> {
  refuseOutputAmongInputs(options.output ?? `${file}${SIGNATURE_SUFFIX}`, [
    { path: file, field: 'file' },
    { path: secretKeyFile, field: 'key' },
  ]);
  const key = parseSecretKey(readText(secretKeyFile, 'secret key'), secretKeyFile);
  const algorithm: SignatureAlgorithm = options.legacy ? 'Ed' : 'ED';
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const trustedComment =
    options.trustedComment ??
    `timestamp:${timestamp}\tfile:${basename(file)}${algorithm === 'ED' ? '\thashed' : ''}`;
  const untrustedComment = options.untrustedComment ?? 'signature from rock-security secret key';
  for (const [name, c] of [
    ['trusted', trustedComment],
    ['untrusted', untrustedComment],
  ] as const) {
    if (/[\r\n]/.test(c))
      throw new InputError('BAD_COMMENT', `${name} comment: expected one line, got a line break`);
  }
  const signatureFile = options.output ?? `${file}${SIGNATURE_SUFFIX}`;
  const privateKey = privateKeyObject(key.seed);
  key.seed.fill(0);
  const signature = sign(null, await message(file, algorithm), privateKey);
  const globalSignature = sign(null, Buffer.concat([signature, Buffer.from(trustedComment)]), privateKey);
  const sig: MinisignSignature = {
    algorithm,
    keyId: key.keyId,
    signature,
    untrustedComment,
    trustedComment,
    globalSignature,
  };
  try {
    await writeFileAtomic(signatureFile, formatSignature(sig), { mode: 0o644 });
  } catch (err) {
    // Our atomic writer already says what is wrong with the output, in one line.
    if (err instanceof ToolError) throw err;
    throw new InputError('OUTPUT_WRITE_FAILED', `${signatureFile}: cannot write: ${errnoCode(err)}`, {
      path: signatureFile,
    });
  }
  return { file, signatureFile, algorithm, keyId: keyIdHex(key.keyId), trustedComment };
}

/** Options of {@link verifySignature}. */
export interface VerifyOptions {
  /** Signature file; default `<file>.minisig`. */
  signature?: string;
  /** Refuse legacy (`Ed`) signatures, as `minisign -V -H` does. */
  requirePrehashed?: boolean;
}

/**
 * Verifies `file` against its minisign signature and the public key in `publicKeyFile`, including the
 * signature over the trusted comment. Returns the signature's details when both verify.
 *
 * Fails (exit 1) with SIGNATURE_KEY_MISMATCH (signed by another key), SIGNATURE_INVALID (the file
 * changed, or a forged signature), COMMENT_SIGNATURE_INVALID (the trusted comment changed),
 * SIGNATURE_LEGACY (with `requirePrehashed`); refuses unreadable or malformed inputs (exit 2).
 */
export async function verifySignature(
  file: string,
  publicKeyFile: string,
  options: VerifyOptions = {},
): Promise<SignatureInfo> {
  const key = parsePublicKey(readText(publicKeyFile, 'public key'), publicKeyFile);
  const signatureFile = options.signature ?? `${file}${SIGNATURE_SUFFIX}`;
  const sig = parseSignature(readText(signatureFile, 'signature'), signatureFile);
  const data = { file, signatureFile, publicKey: publicKeyFile };
  if (!sig.keyId.equals(key.keyId)) {
    throw new CheckError(
      'SIGNATURE_KEY_MISMATCH',
      `${signatureFile}: key id: expected ${keyIdHex(key.keyId)} (${publicKeyFile}), got ${keyIdHex(sig.keyId)}`,
      { ...data, expected: keyIdHex(key.keyId), actual: keyIdHex(sig.keyId) },
    );
  }
  if (options.requirePrehashed && sig.algorithm !== 'ED') {
    throw new CheckError(
      'SIGNATURE_LEGACY',
      `${signatureFile}: expected a prehashed (ED) signature, got legacy (Ed)`,
      data,
    );
  }
  const publicKey = publicKeyObject(key.publicKey);
  if (!verify(null, await message(file, sig.algorithm), publicKey, sig.signature)) {
    throw new CheckError(
      'SIGNATURE_INVALID',
      `${file}: signature verification failed against ${publicKeyFile}`,
      data,
    );
  }
  const signed = Buffer.concat([sig.signature, Buffer.from(sig.trustedComment)]);
  if (!verify(null, signed, publicKey, sig.globalSignature)) {
    throw new CheckError(
      'COMMENT_SIGNATURE_INVALID',
      `${signatureFile}: trusted comment signature verification failed`,
      data,
    );
  }
  return {
    file,
    signatureFile,
    algorithm: sig.algorithm,
    keyId: keyIdHex(key.keyId),
    trustedComment: sig.trustedComment,
  };
}
