/**
 * The encrypted-config envelope, version 1: AES-256-GCM under the 32-byte CONFIG_KEY itself.
 *
 * ```
 * offset  size  field
 * 0x00    8     magic   52 4f 43 4b 45 4e 43 00   "ROCKENC\0"
 * 0x08    1     version 01
 * 0x09    12    nonce   random, from the OS CSPRNG, fresh for every encryption
 * 0x15    n     ciphertext (n = plaintext length; GCM adds no padding)
 * 0x15+n  16    tag     GCM authentication tag
 * ```
 *
 * The 21 header bytes (magic, version, nonce) are the GCM additional authenticated data, so a changed
 * version byte fails the tag like a changed ciphertext byte. The key is used as is (no derivation); the
 * IV is the 12-byte nonce (GCM's native IV length, no GHASH of the IV). Decryption never releases
 * plaintext before the tag has verified: callers of {@link decryptChunks} must hold the output back
 * until the generator has finished, which {@link openBytes} and `decryptFile` do.
 *
 * `fixtures/c/rock-envelope.c` reads the same layout with OpenSSL's EVP API, as rock-init does.
 */
import { createCipheriv, createDecipheriv, type DecipherGCM, randomBytes } from 'node:crypto';
import { InputError } from '../errors/index.js';
import { CONFIG_KEY_BYTES } from './key-file.js';

/** `ROCKENC\0`: the first 8 bytes of every encrypted config. */
export const ENVELOPE_MAGIC: Uint8Array = Uint8Array.from(Buffer.from('ROCKENC\0', 'latin1'));
/** The only version this suite writes and reads. */
export const ENVELOPE_VERSION = 1;
/** GCM nonce length. */
export const NONCE_BYTES = 12;
/** GCM tag length. */
export const TAG_BYTES = 16;
/** Magic, version and nonce: the AAD. */
export const HEADER_BYTES = ENVELOPE_MAGIC.length + 1 + NONCE_BYTES;
/** The smallest envelope: an empty plaintext. */
export const MIN_ENVELOPE_BYTES = HEADER_BYTES + TAG_BYTES;

const CIPHER = 'aes-256-gcm';

/** True when `head` (the first bytes of a file, at least 8 of them) starts with the envelope magic. */
export function isEnvelope(head: Uint8Array): boolean {
  return (
    head.length >= ENVELOPE_MAGIC.length &&
    Buffer.from(ENVELOPE_MAGIC).equals(head.subarray(0, ENVELOPE_MAGIC.length))
  );
}

function header(nonce: Uint8Array): Buffer {
  return Buffer.concat([ENVELOPE_MAGIC, Uint8Array.of(ENVELOPE_VERSION), nonce]);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== CONFIG_KEY_BYTES) throw new RangeError(`AES-256 needs a ${CONFIG_KEY_BYTES}-byte key`);
}

/** Encrypts `plaintext` in memory. Returns the whole envelope. */
export function sealBytes(key: Uint8Array, plaintext: Uint8Array): Buffer {
  checkKey(key);
  const head = header(randomBytes(NONCE_BYTES));
  const cipher = createCipheriv(CIPHER, key, head.subarray(ENVELOPE_MAGIC.length + 1), {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(head);
  return Buffer.concat([head, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/**
 * Encrypts a stream of chunks. Yields the header, the ciphertext chunk by chunk, and the tag; holds
 * no more than one chunk in memory.
 */
export async function* encryptChunks(
  key: Uint8Array,
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Buffer> {
  checkKey(key);
  const head = header(randomBytes(NONCE_BYTES));
  const cipher = createCipheriv(CIPHER, key, head.subarray(ENVELOPE_MAGIC.length + 1), {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(head);
  yield head;
  for await (const chunk of source) {
    const out = cipher.update(chunk);
    if (out.length > 0) yield out;
  }
  const last = cipher.final();
  if (last.length > 0) yield last;
  yield cipher.getAuthTag();
}

/**
 * Checks whatever part of the header `head` holds (a short file is judged on the bytes it has).
 * Refuses ENVELOPE_BAD_MAGIC (not an encrypted config) and ENVELOPE_BAD_VERSION (a version this suite
 * does not know), exit 2.
 */
function checkPrefix(head: Uint8Array, source: string): void {
  const m = ENVELOPE_MAGIC.length;
  const prefix = head.subarray(0, Math.min(head.length, m));
  if (!Buffer.from(ENVELOPE_MAGIC.subarray(0, prefix.length)).equals(prefix)) {
    throw new InputError(
      'ENVELOPE_BAD_MAGIC',
      `${source}:0x0: magic: expected 'ROCKENC\\0' (an encrypted config), got other bytes`,
      { path: source, offset: 0 },
    );
  }
  if (head.length > m && head[m] !== ENVELOPE_VERSION) {
    throw new InputError(
      'ENVELOPE_BAD_VERSION',
      `${source}:0x8: version: expected ${ENVELOPE_VERSION}, got ${head[m]}`,
      {
        path: source,
        offset: m,
        expected: ENVELOPE_VERSION,
        actual: head[m],
      },
    );
  }
}

/** Checks the 21 header bytes (see {@link checkPrefix}) and returns the nonce. */
export function parseHeader(head: Uint8Array, source: string): Buffer {
  checkPrefix(head, source);
  if (head.length < HEADER_BYTES) throw truncated(source, head.length);
  return Buffer.from(head.subarray(ENVELOPE_MAGIC.length + 1, HEADER_BYTES));
}

function truncated(source: string, size: number): InputError {
  return new InputError(
    'ENVELOPE_TRUNCATED',
    `${source}: truncated: expected at least ${MIN_ENVELOPE_BYTES} bytes (header ${HEADER_BYTES}, tag ${TAG_BYTES}), got ${size}`,
    { path: source, expected: MIN_ENVELOPE_BYTES, actual: size },
  );
}

function authFailed(source: string): InputError {
  return new InputError(
    'ENVELOPE_AUTH_FAILED',
    `${source}: cannot decrypt: wrong key, or the file was modified or truncated (AES-256-GCM tag mismatch)`,
    { path: source },
  );
}

/**
 * Decrypts an envelope held in memory. Returns the plaintext only when the tag verified.
 *
 * Refuses ENVELOPE_TRUNCATED, ENVELOPE_BAD_MAGIC, ENVELOPE_BAD_VERSION and ENVELOPE_AUTH_FAILED (wrong
 * key, flipped bit, cut-off tail: GCM cannot tell these apart), all exit 2.
 */
export function openBytes(key: Uint8Array, envelope: Uint8Array, source: string): Buffer {
  checkKey(key);
  checkPrefix(envelope, source);
  if (envelope.length < MIN_ENVELOPE_BYTES) throw truncated(source, envelope.length);
  const head = envelope.subarray(0, HEADER_BYTES);
  const nonce = parseHeader(head, source);
  const decipher = createDecipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(head);
  decipher.setAuthTag(envelope.subarray(envelope.length - TAG_BYTES));
  const body = decipher.update(envelope.subarray(HEADER_BYTES, envelope.length - TAG_BYTES));
  try {
    return Buffer.concat([body, decipher.final()]);
  } catch {
    body.fill(0);
    throw authFailed(source);
  }
}

/**
 * Decrypts a stream of envelope chunks. Yields plaintext chunks that are NOT yet authenticated; the
 * generator throws ENVELOPE_AUTH_FAILED after the last chunk when the tag does not verify. A caller
 * must therefore publish nothing before the generator has returned (write to a temporary file and
 * rename after). Refuses the same errors as {@link openBytes}.
 */
export async function* decryptChunks(
  key: Uint8Array,
  source: AsyncIterable<Uint8Array>,
  name: string,
): AsyncGenerator<Buffer> {
  checkKey(key);
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let size = 0;
  let decipher: DecipherGCM | undefined;
  for await (const chunk of source) {
    size += chunk.length;
    let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (decipher === undefined) {
      head = Buffer.concat([head, rest]);
      if (head.length < HEADER_BYTES) {
        checkPrefix(head, name);
        continue;
      }
      const nonce = parseHeader(head.subarray(0, HEADER_BYTES), name);
      decipher = createDecipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(head.subarray(0, HEADER_BYTES));
      rest = head.subarray(HEADER_BYTES);
    }
    // The last 16 bytes may be the tag: keep them back until the next chunk or the end.
    const pending = tail.length === 0 ? rest : Buffer.concat([tail, rest]);
    const cut = Math.max(0, pending.length - TAG_BYTES);
    tail = Buffer.from(pending.subarray(cut));
    if (cut > 0) yield decipher.update(pending.subarray(0, cut));
  }
  if (decipher === undefined || tail.length < TAG_BYTES) throw truncated(name, size);
  decipher.setAuthTag(tail);
  let last: Buffer;
  try {
    last = decipher.final();
  } catch {
    throw authFailed(name);
  }
  if (last.length > 0) yield last;
}
