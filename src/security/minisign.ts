/**
 * minisign's key and signature files (https://jedisct1.github.io/minisign/, `src/minisign.h`), so a
 * `minisign -V` verifies what this suite signs and the other way round. Every file is text lines:
 *
 * - public key: `untrusted comment: ...`, then base64 of `"Ed" || key_id[8] || ed25519_pk[32]`.
 * - secret key: `untrusted comment: ...`, then base64 of `"Ed" || kdf_alg[2] || chk_alg "B2" ||
 *   salt[32] || opslimit[8] || memlimit[8] || key_id[8] || ed25519_sk[64] || chk[32]` (158 bytes).
 *   Unencrypted keys (`minisign -G -W`) have kdf_alg 00 00 and zero salt, limits and chk; that is what
 *   this suite writes. Password-protected keys (kdf_alg "Sc", scrypt) are refused with a hint.
 * - signature: `untrusted comment: ...`, base64 of `sig_alg[2] || key_id[8] || signature[64]`,
 *   `trusted comment: ...`, base64 of the global signature over `signature || trusted comment`.
 *   sig_alg "ED" signs BLAKE2b-512 of the file (minisign's default since 0.10), "Ed" the file itself.
 *
 * Key ids are shown as minisign shows them: the 8 bytes read as a little-endian integer, in hex.
 */
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import { InputError } from '../errors/index.js';

/** Signature over the file's bytes (legacy) or over their BLAKE2b-512 (prehashed, the default). */
export type SignatureAlgorithm = 'Ed' | 'ED';

/** An Ed25519 key pair with its minisign key id. */
export interface SigningKey {
  readonly keyId: Buffer;
  /** The 32-byte Ed25519 seed (secret). */
  readonly seed: Buffer;
  readonly publicKey: Buffer;
}

/** A minisign public key. */
export interface PublicKey {
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
}

/** A parsed `.minisig` file. */
export interface MinisignSignature {
  readonly algorithm: SignatureAlgorithm;
  readonly keyId: Buffer;
  readonly signature: Buffer;
  readonly untrustedComment: string;
  readonly trustedComment: string;
  readonly globalSignature: Buffer;
}

const UNTRUSTED = 'untrusted comment: ';
const TRUSTED = 'trusted comment: ';
const SECRET_KEY_BYTES = 158;
const PUBLIC_KEY_BYTES = 42;
const SIG_BYTES = 74;
/** minisign's TRUSTEDCOMMENTMAXBYTES, which counts the prefix and the line end. */
const TRUSTED_COMMENT_MAX = 8192 - TRUSTED.length - 2;
/** DER prefixes that wrap a raw Ed25519 seed / public key as PKCS#8 / SPKI (RFC 8410). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Node's key object for an Ed25519 seed. */
export function privateKeyObject(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Node's key object for a raw Ed25519 public key. */
export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

function rawPublicKey(seed: Uint8Array): Buffer {
  const der = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(SPKI_PREFIX.length));
}

/** A fresh key pair: seed and key id from the OS CSPRNG. */
export function generateSigningKey(): SigningKey {
  const seed = randomBytes(32);
  return { keyId: randomBytes(8), seed, publicKey: rawPublicKey(seed) };
}

/** The key id as minisign prints it: 16 upper-case hex digits of the little-endian integer. */
export function keyIdHex(keyId: Uint8Array): string {
  return Buffer.from(keyId).reverse().toString('hex').toUpperCase();
}

/** The text of a public key file. */
export function formatPublicKey(key: PublicKey): string {
  const body = Buffer.concat([Buffer.from('Ed'), key.keyId, key.publicKey]);
  return `${UNTRUSTED}minisign public key ${keyIdHex(key.keyId)}\n${body.toString('base64')}\n`;
}

/** The text of an unencrypted secret key file, byte for byte what `minisign -G -W` writes. */
export function formatSecretKey(key: SigningKey): string {
  const body = Buffer.alloc(SECRET_KEY_BYTES);
  body.write('Ed', 0, 'latin1');
  body.write('B2', 4, 'latin1');
  key.keyId.copy(body, 54);
  key.seed.copy(body, 62);
  key.publicKey.copy(body, 94);
  const text = `${UNTRUSTED}minisign secret key (unencrypted)\n${body.toString('base64')}\n`;
  body.fill(0);
  return text;
}

/** The text of a `.minisig` file. Throws RangeError for a comment with a line break (a caller's bug). */
export function formatSignature(sig: MinisignSignature): string {
  for (const c of [sig.untrustedComment, sig.trustedComment]) {
    if (/[\r\n]/.test(c)) throw new RangeError('a minisign comment is one line');
  }
  const body = Buffer.concat([Buffer.from(sig.algorithm, 'latin1'), sig.keyId, sig.signature]);
  return (
    `${UNTRUSTED}${sig.untrustedComment}\n${body.toString('base64')}\n` +
    `${TRUSTED}${sig.trustedComment}\n${sig.globalSignature.toString('base64')}\n`
  );
}

/** Lines of a minisign file, each with its trailing CR removed (minisign's trim()). */
function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, ''));
}

/** Strict RFC 4648 base64 of exactly `size` bytes, or undefined. */
function base64Exact(text: string | undefined, size: number): Buffer | undefined {
  if (text === undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === size && bytes.toString('base64') === text ? bytes : undefined;
}

function bad(code: string, source: string, what: string): InputError {
  return new InputError(code, `${source}: ${what}`, { path: source });
}

/** Parses a public key file. Refuses PUBKEY_BAD_FORMAT and PUBKEY_UNSUPPORTED (exit 2). */
export function parsePublicKey(text: string, source: string): PublicKey {
  const [comment, b64] = lines(text);
  if (!comment?.startsWith('untrusted comment:')) {
    throw bad(
      'PUBKEY_BAD_FORMAT',
      source,
      "line 1: expected 'untrusted comment: ...' (a minisign public key)",
    );
  }
  const body = base64Exact(b64, PUBLIC_KEY_BYTES);
  if (body === undefined) {
    throw bad(
      'PUBKEY_BAD_FORMAT',
      source,
      `line 2: expected base64 of ${PUBLIC_KEY_BYTES} bytes (a minisign public key)`,
    );
  }
  if (body.toString('latin1', 0, 2) !== 'Ed') {
    throw bad('PUBKEY_UNSUPPORTED', source, "line 2: signature algorithm: expected 'Ed' (Ed25519)");
  }
  return { keyId: body.subarray(2, 10), publicKey: body.subarray(10, 42) };
}

/**
 * Parses a secret key file and checks that its public half matches its seed. Returns the key pair.
 *
 * Refuses SIGN_KEY_BAD_FORMAT, SIGN_KEY_UNSUPPORTED, SIGN_KEY_ENCRYPTED (a password-protected key:
 * remove the password with `minisign -C -W`) and SIGN_KEY_CORRUPT; all exit 2, none quoting the key.
 */
export function parseSecretKey(text: string, source: string): SigningKey {
  const [comment, b64] = lines(text);
  if (!comment?.startsWith('untrusted comment:')) {
    throw bad(
      'SIGN_KEY_BAD_FORMAT',
      source,
      "line 1: expected 'untrusted comment: ...' (a minisign secret key)",
    );
  }
  const body = base64Exact(b64, SECRET_KEY_BYTES);
  if (body === undefined) {
    throw bad(
      'SIGN_KEY_BAD_FORMAT',
      source,
      `line 2: expected base64 of ${SECRET_KEY_BYTES} bytes (a minisign secret key)`,
    );
  }
  try {
    if (body.toString('latin1', 0, 2) !== 'Ed' || body.toString('latin1', 4, 6) !== 'B2') {
      throw bad('SIGN_KEY_UNSUPPORTED', source, "algorithms: expected 'Ed' signatures with a 'B2' checksum");
    }
    const kdf = body.subarray(2, 4);
    if (kdf.toString('latin1') === 'Sc') {
      throw bad(
        'SIGN_KEY_ENCRYPTED',
        source,
        'the secret key is password-protected; rock-security needs an unencrypted key (minisign -C -W removes the password)',
      );
    }
    if (kdf[0] !== 0 || kdf[1] !== 0)
      throw bad('SIGN_KEY_UNSUPPORTED', source, 'key derivation: expected none or scrypt');
    const seed = Buffer.from(body.subarray(62, 94));
    const publicKey = Buffer.from(body.subarray(94, 126));
    if (!rawPublicKey(seed).equals(publicKey)) {
      seed.fill(0);
      throw bad(
        'SIGN_KEY_CORRUPT',
        source,
        'the public half does not belong to the secret half (corrupted key file)',
      );
    }
    return { keyId: Buffer.from(body.subarray(54, 62)), seed, publicKey };
  } finally {
    body.fill(0);
  }
}

/** Parses a `.minisig` file. Refuses SIGNATURE_BAD_FORMAT and SIGNATURE_UNSUPPORTED (exit 2). */
export function parseSignature(text: string, source: string): MinisignSignature {
  const [c1, b1, c2, b2] = lines(text);
  if (!c1?.startsWith(UNTRUSTED))
    throw bad('SIGNATURE_BAD_FORMAT', source, `line 1: expected '${UNTRUSTED}...'`);
  const body = base64Exact(b1, SIG_BYTES);
  if (body === undefined)
    throw bad('SIGNATURE_BAD_FORMAT', source, `line 2: expected base64 of ${SIG_BYTES} bytes`);
  const algorithm = body.toString('latin1', 0, 2);
  if (algorithm !== 'Ed' && algorithm !== 'ED') {
    throw bad(
      'SIGNATURE_UNSUPPORTED',
      source,
      "line 2: signature algorithm: expected 'ED' (prehashed) or 'Ed'",
    );
  }
  if (!c2?.startsWith(TRUSTED)) throw bad('SIGNATURE_BAD_FORMAT', source, `line 3: expected '${TRUSTED}...'`);
  const trustedComment = c2.slice(TRUSTED.length);
  if (Buffer.byteLength(trustedComment) > TRUSTED_COMMENT_MAX) {
    throw bad(
      'SIGNATURE_BAD_FORMAT',
      source,
      `line 3: trusted comment: expected at most ${TRUSTED_COMMENT_MAX} bytes`,
    );
  }
  const globalSignature = base64Exact(b2, 64);
  if (globalSignature === undefined)
    throw bad('SIGNATURE_BAD_FORMAT', source, 'line 4: expected base64 of 64 bytes');
  return {
    algorithm,
    keyId: body.subarray(2, 10),
    signature: body.subarray(10, 74),
    untrustedComment: c1.slice(UNTRUSTED.length),
    trustedComment,
    globalSignature,
  };
}
