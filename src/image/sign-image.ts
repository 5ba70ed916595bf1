import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { SIGNATURE_SUFFIX, signFile } from '../security/index.js';

/** A signature written beside the image's temporary file, moved into place with the image. */
export interface PendingSignature {
  path: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Signs the verified bytes at `tempImage` with a minisign secret key; the trusted comment names the
 * final image and the timestamp is SOURCE_DATE_EPOCH's (so a rebuild signs the same statement).
 * The signature is written to a temporary file and moved to `<image>.minisig` by `commit()`.
 */
export async function signImage(
  tempImage: string,
  image: string,
  secretKey: string,
  epoch: number,
): Promise<PendingSignature> {
  const path = `${image}${SIGNATURE_SUFFIX}`;
  const temp = `${tempImage}${SIGNATURE_SUFFIX}`;
  await signFile(tempImage, secretKey, {
    output: temp,
    timestamp: epoch,
    trustedComment: `timestamp:${epoch}\tfile:${basename(image)}\thashed`,
  });
  return {
    path,
    commit: () => rename(temp, path),
    abort: () => rm(temp, { force: true }),
  };
}
