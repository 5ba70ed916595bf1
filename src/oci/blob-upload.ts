import fs from 'node:fs';
import type { BlobSource } from './blob-source.js';
import { RegistryError, statusError } from './errors.js';
import { discard, type RegistrySession, readLimited } from './session.js';

/** How blobs are uploaded. */
export interface UploadOptions {
  /** Blobs up to this size go in one PUT after the POST; bigger ones in PATCH chunks. Default 64 MiB. */
  monolithicLimit?: number;
  /** Size of each PATCH chunk. Default 32 MiB. */
  chunkSize?: number;
}

const ERROR_BODY_LIMIT = 64 * 1024;

/** A file range as a request body, made afresh for every send (a 401 resend needs a new stream). */
function fileBody(file: string, start: number, length: number): () => AsyncIterable<Uint8Array> {
  return () =>
    length === 0
      ? (async function* () {})()
      : fs.createReadStream(file, { start, end: start + length - 1, highWaterMark: 1 << 20 });
}

async function fail(
  response: Response,
  session: RegistrySession,
  method: string,
  path: string,
  expected: string,
) {
  const text = await readLimited(
    response,
    ERROR_BODY_LIMIT,
    { host: session.host, method, path },
    'error body',
  ).catch(() => '');
  return statusError({ host: session.host, method, path }, response.status, text, expected);
}

function nextLocation(response: Response, session: RegistrySession, method: string, path: string): string {
  const location = response.headers.get('location');
  if (location === null || location === '') {
    throw new RegistryError(
      'OCI_MALFORMED_RESPONSE',
      `${session.host}: ${method} ${path}: HTTP ${response.status} without a Location header`,
      { host: session.host, method, path, status: response.status },
      true,
    );
  }
  return location;
}

/** `Location` plus `digest=`, keeping the registry's own query (`_state`). */
function withDigest(session: RegistrySession, location: string, digest: string): string {
  const url = session.resolve(location);
  url.searchParams.set('digest', digest);
  return url.href;
}

/**
 * One attempt at uploading a blob: POST a session, then either one PUT `?digest=` with the whole file,
 * or sequential PATCH chunks (each to the newest `Location`) and an empty PUT `?digest=`. The file is
 * streamed from disk. Throws a {@link RegistryError}; `retryable` says whether a new attempt (a new
 * POST: 2.8 cannot resume a broken session) may succeed.
 */
export async function uploadBlobOnce(
  session: RegistrySession,
  repository: string,
  blob: BlobSource,
  options: UploadOptions = {},
): Promise<void> {
  const scope = `repository:${repository}:pull,push`;
  const startPath = `/v2/${repository}/blobs/uploads/`;
  const started = await session.request({ method: 'POST', url: startPath, scope });
  if (started.status !== 202) throw await fail(started, session, 'POST', startPath, 'HTTP 202');
  let location = nextLocation(started, session, 'POST', startPath);
  await discard(started);

  const monolithic = blob.size <= (options.monolithicLimit ?? 64 * 1024 * 1024);
  let finalBody = fileBody(blob.path, 0, 0);
  let finalLength = 0;
  if (monolithic) {
    finalBody = fileBody(blob.path, 0, blob.size);
    finalLength = blob.size;
  } else {
    const chunk = Math.max(1, options.chunkSize ?? 32 * 1024 * 1024);
    for (let offset = 0; offset < blob.size; offset += chunk) {
      const length = Math.min(chunk, blob.size - offset);
      const path = session.resolve(location).pathname;
      const patched = await session.request({
        method: 'PATCH',
        url: location,
        scope,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(length),
          'content-range': `${offset}-${offset + length - 1}`,
        },
        body: fileBody(blob.path, offset, length),
      });
      if (patched.status !== 202) throw await fail(patched, session, 'PATCH', path, 'HTTP 202');
      location = nextLocation(patched, session, 'PATCH', path);
      await discard(patched);
    }
  }
  const putUrl = withDigest(session, location, blob.digest);
  const putPath = session.resolve(putUrl).pathname;
  const done = await session.request({
    method: 'PUT',
    url: putUrl,
    scope,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(finalLength) },
    body: finalBody,
  });
  if (done.status !== 201) throw await fail(done, session, 'PUT', putPath, 'HTTP 201');
  const echoed = done.headers.get('docker-content-digest');
  await discard(done);
  if (echoed !== null && echoed !== blob.digest) {
    throw new RegistryError(
      'OCI_DIGEST_MISMATCH',
      `${session.host}: PUT ${putPath}: registry stored ${echoed}, expected ${blob.digest}`,
      { host: session.host, expected: blob.digest, actual: echoed },
      true,
    );
  }
}
