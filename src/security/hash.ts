import { createHash } from 'node:crypto';
import { openInput } from '../util/open-input.js';

/** Digests `rock-security hash` computes. */
export const HASH_ALGORITHMS = ['sha256', 'sha512'] as const;

/** One of {@link HASH_ALGORITHMS}. */
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** The digest of one file. */
export interface FileDigest {
  file: string;
  algorithm: HashAlgorithm;
  /** Lower-case hex, as sha256sum prints it. */
  hex: string;
  size: number;
}

/**
 * Hashes a file by streaming it (constant memory). Returns its digest and size.
 * Refuses INPUT_NOT_FOUND / INPUT_NOT_FILE (exit 2).
 */
export async function hashFile(file: string, algorithm: HashAlgorithm = 'sha256'): Promise<FileDigest> {
  const hash = createHash(algorithm);
  let size = 0;
  for await (const chunk of openInput(file)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { file, algorithm, hex: hash.digest('hex'), size };
}

/** The line `sha256sum` / `sha512sum` print for a digest, so `sha256sum -c` can check it. */
export function formatDigest(digest: FileDigest): string {
  return `${digest.hex}  ${digest.file}`;
}
