import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { sha256File } from './add.js';
import { fetchKernel } from './fetch.js';
import { kernelsDir } from './store.js';
import { removeTemp, tempHome, testKernelDeb } from './test-support/kernel-deb.js';

async function refusal(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected a refusal');
}

describe('fetching kernels over HTTP', () => {
  const deb = testKernelDeb();
  let server: http.Server;
  let base = '';
  let sha = '';
  const requests: string[] = [];

  beforeAll(async () => {
    sha = await sha256File(deb);
    const size = fs.statSync(deb).size;
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/kernel.deb') {
        res.writeHead(200, {
          'content-length': size,
          'content-type': 'application/vnd.debian.binary-package',
        });
        fs.createReadStream(deb).pipe(res);
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/kernel.deb' });
        res.end();
      } else if (req.url === '/short') {
        res.writeHead(200, { 'content-length': 1000 });
        res.end(Buffer.alloc(10));
        req.socket.destroy();
      } else {
        res.writeHead(404);
        res.end('not here');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads with progress, verifies the sha256 and adds the kernel (following a redirect)', async () => {
    const home = tempHome();
    try {
      const seen: number[] = [];
      const k = await fetchKernel(`${base}/moved`, sha.toUpperCase(), {
        home,
        onProgress: (r) => seen.push(r),
      });
      expect(k.meta.source).toEqual({ kind: 'deb', origin: `${base}/moved`, sha256: sha });
      expect(k.meta.release).toMatch(/-cloud-amd64$/);
      expect(seen.at(-1)).toBe(fs.statSync(deb).size);
      expect(requests.slice(-2)).toEqual(['/moved', '/kernel.deb']);
      expect(fs.readdirSync(kernelsDir(home)).sort()).toEqual([k.meta.name, 'default']);
    } finally {
      removeTemp(home);
    }
  });

  it('leaves nothing behind on a checksum mismatch (exit 1)', async () => {
    const home = tempHome();
    try {
      const wrong = `${sha.slice(0, 63)}${sha[63] === '0' ? '1' : '0'}`;
      const e = await refusal(fetchKernel(`${base}/kernel.deb`, wrong, { home }));
      expect(e.code).toBe('FETCH_SHA256_MISMATCH');
      expect(e.exitCode).toBe(1);
      expect(e.message).toBe(`${base}/kernel.deb: sha256: expected ${wrong}, got ${sha}; nothing was stored`);
      expect(fs.readdirSync(kernelsDir(home))).toEqual([]);
    } finally {
      removeTemp(home);
    }
  });

  it('refuses bad checksums, bad URLs, HTTP errors and short bodies (exit 2)', async () => {
    const home = tempHome();
    try {
      const bad = await refusal(fetchKernel(`${base}/kernel.deb`, 'abc', { home }));
      expect(bad.code).toBe('FETCH_BAD_SHA256');
      expect(bad.message).toBe('sha256: expected 64 hex digits, got "abc"');
      expect((await refusal(fetchKernel('ftp://example.org/k.deb', sha, { home }))).code).toBe(
        'FETCH_BAD_URL',
      );
      const missing = await refusal(fetchKernel(`${base}/nope`, sha, { home }));
      expect(missing.code).toBe('FETCH_FAILED');
      expect(missing.exitCode).toBe(2);
      expect(missing.message).toBe(`${base}/nope: HTTP 404 Not Found`);
      expect((await refusal(fetchKernel(`${base}/short`, sha, { home }))).code).toBe('FETCH_FAILED');
      expect(fs.readdirSync(kernelsDir(home))).toEqual([]);
    } finally {
      removeTemp(home);
    }
  });
});
