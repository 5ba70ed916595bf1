import { createHash } from 'node:crypto';
import { InputError } from '../errors/index.js';

/** Longest key accepted, in characters (all ASCII, so also bytes). */
export const MAX_KEY_LENGTH = 256;

/**
 * Keys are 1 to 256 characters from `A-Z a-z 0-9 . _ - + = : @ /`, not starting with `-` (it would read
 * as a flag) or `/`. Examples: `rock-init@1.4.2`, `component/volcano-agent:sha256-3f1c...`.
 *
 * A key never becomes a path: its ref file is named by the sha256 of the key ({@link keyId}), so `..`
 * or `/` in a key cannot reach outside the store; the character set keeps keys printable and
 * unambiguous in listings, tags and shells.
 */
const KEY_PATTERN = /^[A-Za-z0-9._+=:@][A-Za-z0-9._+=:@/-]*$/;

/** Throws InputError CACHE_BAD_KEY (exit 2) unless `key` is a valid cache key. */
export function validateKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key)) {
    const why =
      key.length === 0
        ? 'it is empty'
        : key.length > MAX_KEY_LENGTH
          ? `it has ${key.length} characters`
          : `found ${JSON.stringify(firstBad(key))}`;
    throw new InputError(
      'CACHE_BAD_KEY',
      `key: expected 1-${MAX_KEY_LENGTH} characters from A-Z a-z 0-9 . _ - + = : @ / (not starting with - or /), ${why}`,
      { field: 'key', key: key.slice(0, MAX_KEY_LENGTH + 1) },
    );
  }
}

function firstBad(key: string): string {
  if (key.startsWith('-') || key.startsWith('/')) return key[0]!;
  for (const ch of key) if (!/[A-Za-z0-9._+=:@/-]/.test(ch)) return ch;
  return key;
}

/** The name of a key's ref file: the sha256 hex of the key (never the key itself). */
export function keyId(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `sha256:<64 lowercase hex>` */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** The hex part of a digest; throws InputError CACHE_BAD_DIGEST for anything else. */
export function digestHex(digest: string): string {
  if (!DIGEST_PATTERN.test(digest))
    throw new InputError(
      'CACHE_BAD_DIGEST',
      `digest: expected sha256:<64 hex digits>, got ${JSON.stringify(digest.slice(0, 80))}`,
      {
        field: 'digest',
      },
    );
  return digest.slice('sha256:'.length);
}
