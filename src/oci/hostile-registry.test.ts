import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadBlobs } from './blob-download.js';
import { openClient } from './client.js';
import { parseReference } from './reference.js';

// A registry of the test's own that answers what real ones sometimes do (HTML error pages, huge
// bodies, redirects): each reply must become one typed error, and nothing may be written.
let server: http.Server;
let host: string;
const handlers = new Map<string, (res: http.ServerResponse) => void>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const handler = handlers.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (handler) handler(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client() {
  return openClient(parseReference(`oci://${host}/r`), { env: {}, attempts: 2, backoffMs: 1 });
}

describe('replies a client must refuse', () => {
  it('a manifest that is not JSON', async () => {
    handlers.set('/v2/r/manifests/html', (res) => res.writeHead(200).end('<html>proxy login</html>'));
    await expect(client().getManifest('r', 'html')).rejects.toMatchObject({
      code: 'OCI_MALFORMED_RESPONSE',
      message: `${host}: GET /v2/r/manifests/html: manifest: expected JSON`,
    });
  });

  it('a manifest over 4 MiB, stopped as it arrives', async () => {
    handlers.set('/v2/r/manifests/huge', (res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(5 * 1024 * 1024, 0x20));
    });
    await expect(client().getManifest('r', 'huge')).rejects.toMatchObject({ code: 'OCI_RESPONSE_TOO_LARGE' });
  });

  it('a JSON error body: named by its code', async () => {
    handlers.set('/v2/r/manifests/gone', (res) =>
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'),
    );
    await expect(client().getManifest('r', 'gone')).rejects.toMatchObject({
      code: 'OCI_NOT_FOUND',
      message: `${host}: GET /v2/r/manifests/gone: not found: MANIFEST_UNKNOWN (manifest unknown)`,
    });
  });

  it('a 500 is retried, then reported with the attempts', async () => {
    let calls = 0;
    handlers.set('/v2/r/manifests/busy', (res) => {
      calls += 1;
      res.writeHead(503).end('overloaded');
    });
    await expect(client().getManifest('r', 'busy')).rejects.toMatchObject({
      code: 'OCI_HTTP_STATUS',
      data: { attempts: 2, status: 503 },
    });
    expect(calls).toBe(2);
  });

  it('a redirect where none belongs (a manifest PUT)', async () => {
    handlers.set('/v2/r/manifests/moved', (res) =>
      res.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' }).end(),
    );
    await expect(client().putManifest('r', 'moved', Buffer.from('{}'))).rejects.toMatchObject({
      code: 'OCI_REDIRECT',
    });
  });

  it('a redirect loop on a blob GET, and a blob bigger than its descriptor: nothing written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-hostile-'));
    const digest = `sha256:${'0'.repeat(64)}`;
    handlers.set(`/v2/r/blobs/${digest}`, (res) =>
      res.writeHead(302, { location: `/v2/r/blobs/${digest}` }).end(),
    );
    const c = client();
    await expect(
      downloadBlobs(c.session, 'r', [
        { descriptor: { mediaType: 'x', digest, size: 3 }, path: path.join(dir, 'a') },
      ]),
    ).rejects.toMatchObject({ code: 'OCI_REDIRECT' });
    const other = `sha256:${'1'.repeat(64)}`;
    handlers.set(`/v2/r/blobs/${other}`, (res) => res.writeHead(200).end(Buffer.alloc(1000)));
    await expect(
      downloadBlobs(c.session, 'r', [
        { descriptor: { mediaType: 'x', digest: other, size: 10 }, path: path.join(dir, 'b'), name: 'b.bin' },
      ]),
    ).rejects.toMatchObject({
      code: 'OCI_SIZE_MISMATCH',
      message: 'blob b.bin: size: expected 10, got more',
    });
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it('a registry that is down', async () => {
    const down = openClient(parseReference('oci://127.0.0.1:1/r'), { env: {}, attempts: 1 });
    await expect(down.getManifest('r', 'x')).rejects.toMatchObject({ code: 'OCI_UNREACHABLE' });
  });
});
