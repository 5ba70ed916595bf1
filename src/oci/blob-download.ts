import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type AtomicWriteStream, createAtomicWriteStream } from '../util/atomic-write.js';
import { digestMismatch, networkError, RegistryError, statusError } from './errors.js';
import type { Descriptor } from './manifest.js';
import { type RegistrySession, readLimited } from './session.js';

/** A blob to fetch into `path`, with the name messages use for it (its title, else its digest). */
export interface BlobTarget {
  descriptor: Descriptor;
  path: string;
  name?: string;
  mode?: number;
}

/**
 * Streams one blob into an uncommitted atomic file while hashing it. Resolves with the open write
 * once the bytes match the descriptor's size and digest; otherwise discards the temporary file and
 * throws OCI_DIGEST_MISMATCH / OCI_SIZE_MISMATCH (exit 1) naming the blob.
 */
export async function downloadBlob(
  session: RegistrySession,
  repository: string,
  target: BlobTarget,
): Promise<AtomicWriteStream> {
  const { descriptor } = target;
  const name = target.name ?? descriptor.digest;
  const path = `/v2/${repository}/blobs/${descriptor.digest}`;
  const facts = { host: session.host, method: 'GET', path };
  const response = await session.request({
    method: 'GET',
    url: path,
    scope: `repository:${repository}:pull`,
    followRedirects: true,
  });
  if (response.status !== 200) {
    const text = await readLimited(response, 64 * 1024, facts, 'error body').catch(() => '');
    throw statusError(facts, response.status, text, 'HTTP 200');
  }
  const out = createAtomicWriteStream(target.path, target.mode !== undefined ? { mode: target.mode } : {});
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      // Stop as soon as the registry sends more than the descriptor says (never fill the disk).
      if (size > descriptor.size) {
        done(
          new RegistryError(
            'OCI_SIZE_MISMATCH',
            `blob ${name}: size: expected ${descriptor.size}, got more`,
            {
              blob: name,
              expected: descriptor.size,
            },
            false,
            1,
          ),
        );
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    if (response.body === null) throw networkError(facts, new Error('no body'));
    await pipeline(response.body, counter, out.stream);
  } catch (error) {
    await out.abort();
    if (error instanceof RegistryError) throw error;
    throw networkError(facts, error);
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (size !== descriptor.size) {
    await out.abort();
    throw new RegistryError(
      'OCI_SIZE_MISMATCH',
      `blob ${name}: size: expected ${descriptor.size}, got ${size}`,
      { blob: name, digest: descriptor.digest, expected: descriptor.size, actual: size },
      false,
      1,
    );
  }
  if (actual !== descriptor.digest) {
    await out.abort();
    throw digestMismatch(name, descriptor.digest, actual, { repository, host: session.host });
  }
  return out;
}

/**
 * Downloads every target, and only when all of them verified renames them into place: one bad blob
 * writes nothing at all.
 */
export async function downloadBlobs(
  session: RegistrySession,
  repository: string,
  targets: readonly BlobTarget[],
): Promise<void> {
  const pending: AtomicWriteStream[] = [];
  try {
    for (const target of targets) pending.push(await downloadBlob(session, repository, target));
  } catch (error) {
    for (const p of pending) await p.abort();
    throw error;
  }
  for (const p of pending) await p.commit();
}
