/**
 * `rock-kernel fetch`: download a kernel package or image over HTTP(S), verify its sha256 (never
 * optional: an unverified kernel would be trusted with every boot), then add it to the store.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { CheckError, InputError } from '../errors/index.js';
import { makeDirs } from '../util/make-dirs.js';
import { type AddOptions, addKernel } from './add.js';
import { kernelsDir, type StoredKernel } from './store.js';

/** Options of {@link fetchKernel}. */
export interface FetchOptions extends Omit<AddOptions, 'origin' | 'config' | 'systemMap' | 'modules'> {
  /** Called as bytes arrive; `total` is the Content-Length when the server sent one. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Give up after this long without data; default 60 000 ms. */
  idleTimeoutMs?: number;
}

const MAX_REDIRECTS = 5;

/**
 * Downloads `url` into a temporary file beside the store, checks its sha256 against `sha256`, and
 * adds it ({@link addKernel}). The temporary file is removed in every case.
 *
 * Refuses (InputError) a malformed checksum (`FETCH_BAD_SHA256`), a URL that is not http(s)
 * (`FETCH_BAD_URL`), an HTTP error or network failure (`FETCH_FAILED`), and fails (CheckError, exit 1)
 * on a checksum mismatch (`FETCH_SHA256_MISMATCH`), leaving nothing behind.
 */
export async function fetchKernel(url: string, sha256: string, options: FetchOptions): Promise<StoredKernel> {
  const expected = sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected)) {
    throw new InputError(
      'FETCH_BAD_SHA256',
      `--sha256: expected 64 hex digits, got ${JSON.stringify(sha256)}`,
      { sha256 },
    );
  }
  const parsed = parseUrl(url);
  const home = options.home;
  makeDirs(kernelsDir(home));
  const temp = fs.mkdtempSync(path.join(kernelsDir(home), '.fetch-'));
  try {
    const file = path.join(temp, 'download');
    const actual = await download(parsed, file, options, MAX_REDIRECTS);
    if (actual !== expected) {
      throw new CheckError(
        'FETCH_SHA256_MISMATCH',
        `${url}: sha256: expected ${expected}, got ${actual}; nothing was stored`,
        {
          url,
          expected,
          actual,
        },
      );
    }
    return await addKernel(file, { ...options, home, origin: url });
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError('FETCH_BAD_URL', `${url}: expected an http:// or https:// URL`, { url });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError(
      'FETCH_BAD_URL',
      `${url}: expected an http:// or https:// URL, got ${parsed.protocol}`,
      { url },
    );
  }
  return parsed;
}

/** GETs `url` into `file`, following redirects; resolves with the body's sha256. */
function download(url: URL, file: string, options: FetchOptions, redirectsLeft: number): Promise<string> {
  const failed = (why: string) => new InputError('FETCH_FAILED', `${url.href}: ${why}`, { url: url.href });
  return new Promise<string>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirectsLeft === 0) return reject(failed(`more than ${MAX_REDIRECTS} redirects`));
        let next: URL;
        try {
          next = parseUrl(new URL(response.headers.location, url).href);
        } catch (error) {
          return reject(error);
        }
        return resolve(download(next, file, options, redirectsLeft - 1));
      }
      if (status !== 200) {
        response.resume();
        return reject(failed(`HTTP ${status} ${response.statusMessage ?? ''}`.trim()));
      }
      const length = Number(response.headers['content-length']);
      const total = Number.isFinite(length) ? length : undefined;
      const hash = createHash('sha256');
      const out = fs.createWriteStream(file, { mode: 0o644 });
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        hash.update(chunk);
        options.onProgress?.(received, total);
      });
      response.on('error', (error) => reject(failed(error.message)));
      response.on('aborted', () => reject(failed('connection closed mid-body')));
      out.on('error', (error) => reject(error));
      out.on('finish', () => {
        if (total !== undefined && received !== total)
          reject(failed(`received ${received} of ${total} bytes`));
        else resolve(hash.digest('hex'));
      });
      response.pipe(out);
    });
    request.setTimeout(options.idleTimeoutMs ?? 60_000, () =>
      request.destroy(failed('no data for too long')),
    );
    request.on('error', (error) => reject(error instanceof InputError ? error : failed(error.message)));
  });
}
