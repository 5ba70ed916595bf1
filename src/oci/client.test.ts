import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadBlobs } from './blob-download.js';
import { type LayerFile, openClient } from './client.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import { parseReference } from './reference.js';
import { type RegistryProxy, startRegistryProxy } from './test-support/registry-proxy.js';
import { freshRepository, hostOf, testRegistries } from './test-support/test-registry.js';

const registries = testRegistries();
const anonymous = registries.anonymous;
const noRegistry = anonymous === undefined;
let work: string;

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function file(name: string, size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const p = path.join(work, name);
  fs.writeFileSync(p, bytes);
  return { path: p, bytes };
}

function clientFor(url: string, extra: Parameters<typeof openClient>[1] = {}) {
  return openClient(parseReference(`oci://${hostOf(url)}/x`), { env: {}, backoffMs: 10, ...extra });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-oci-test-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe.skipIf(noRegistry)('OCI client against docker-registry 2.8 (ROCK_TEST_REGISTRY)', () => {
  const url = anonymous ?? '';

  it('round-trips an artifact: plain HTTP GETs read back the same manifest and bytes; pull writes them', async () => {
    const small = file('small.bin', 1000);
    const big = file('big.bin', 3 * 1024 * 1024 + 17); // PATCH chunks: over the 1 MiB monolithic limit
    const repo = freshRepository('rock-test/roundtrip');
    const client = clientFor(url, { monolithicLimit: 1024 * 1024, chunkSize: 700 * 1024 });
    const layers: LayerFile[] = [
      {
        path: small.path,
        mediaType: 'application/vnd.rock-os.file.v1',
        annotations: { 'org.opencontainers.image.title': 'small.bin' },
      },
      {
        path: big.path,
        mediaType: 'application/vnd.rock-os.file.v1',
        annotations: { 'org.opencontainers.image.title': 'big.bin' },
      },
    ];
    const pushed = await client.pushArtifact(
      repo,
      { artifactType: 'application/vnd.rock-os.component.v1', layers },
      'v1',
    );
    expect(pushed.manifest.layers.map((l) => l.digest)).toEqual([sha256(small.bytes), sha256(big.bytes)]);

    const manifestResponse = await fetch(`${url}/v2/${repo}/manifests/v1`, {
      headers: { accept: MANIFEST_ACCEPT },
    });
    expect(manifestResponse.status).toBe(200);
    const manifestBytes = Buffer.from(await manifestResponse.arrayBuffer());
    expect(sha256(manifestBytes)).toBe(pushed.digest);
    expect(manifestResponse.headers.get('docker-content-digest')).toBe(pushed.digest);
    const manifest = JSON.parse(manifestBytes.toString('utf8'));
    expect(manifest.artifactType).toBe('application/vnd.rock-os.component.v1');
    expect(manifest.config.digest).toBe(
      'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
    const blob = Buffer.from(
      await (await fetch(`${url}/v2/${repo}/blobs/${sha256(big.bytes)}`)).arrayBuffer(),
    );
    expect(blob.equals(big.bytes)).toBe(true);

    const fetched = await client.getManifest(repo, 'v1');
    expect(fetched.digest).toBe(pushed.digest);
    const out = path.join(work, 'pulled-big.bin');
    await downloadBlobs(client.session, repo, [
      { descriptor: fetched.manifest.layers[1] as never, path: out },
    ]);
    expect(fs.readFileSync(out).equals(big.bytes)).toBe(true);
  });

  describe('through a proxy of the test', () => {
    let proxy: RegistryProxy | undefined;
    afterAll(async () => proxy?.close());

    it('does not send blobs the registry has: the second push is HEADs and manifest PUTs only', async () => {
      proxy = await startRegistryProxy({ upstream: url });
      const a = file('a.bin', 200_000);
      const repo = freshRepository('rock-test/dedup');
      const client = clientFor(proxy.url);
      const layers: LayerFile[] = [{ path: a.path, mediaType: 'application/octet-stream' }];
      const first = await client.pushArtifact(
        repo,
        { artifactType: 'application/vnd.rock-os.component.v1', layers },
        't',
      );
      expect(first.uploaded).toHaveLength(2); // the empty config and the layer
      proxy.requests.length = 0;
      const second = await client.pushArtifact(
        repo,
        { artifactType: 'application/vnd.rock-os.component.v1', layers },
        't',
      );
      expect(second.digest).toBe(first.digest);
      expect(second.uploaded).toEqual([]);
      expect(proxy.requests.map((r) => r.method).sort()).toEqual(['HEAD', 'HEAD', 'PUT', 'PUT']);
      expect(proxy.requests.reduce((n, r) => n + r.bytes, 0)).toBeLessThan(2000); // two manifests, no blob
      await proxy.close();
      proxy = undefined;
    });

    it('retries a blob whose upload was cut mid-stream, from a new POST, and stores it intact', async () => {
      const big = file('cut.bin', 2 * 1024 * 1024);
      const digest = sha256(big.bytes);
      let cuts = 0;
      proxy = await startRegistryProxy({
        upstream: url,
        cut: (r) => ((r.declared ?? 0) > 300_000 && cuts++ === 0 ? 300_000 : undefined),
      });
      const repo = freshRepository('rock-test/cut');
      const client = clientFor(proxy.url);
      const pushed = await client.pushArtifact(
        repo,
        {
          artifactType: 'application/vnd.rock-os.image.v1',
          layers: [{ path: big.path, mediaType: 'application/octet-stream' }],
        },
        'latest',
      );
      expect(cuts).toBe(2); // the cut attempt and the retry
      const posts = proxy.requests.filter((r) => r.method === 'POST').length;
      expect(posts).toBe(3); // config, the cut attempt, the retry
      const blob = Buffer.from(await (await fetch(`${url}/v2/${repo}/blobs/${digest}`)).arrayBuffer());
      expect(sha256(blob)).toBe(digest);
      expect(pushed.manifest.layers[0]?.digest).toBe(digest);
      await proxy.close();
      proxy = undefined;
    });

    it('gives up after bounded retries when every upload is cut, and leaves no tag', async () => {
      const big = file('always-cut.bin', 500_000);
      proxy = await startRegistryProxy({
        upstream: url,
        cut: (r) => (r.method === 'PUT' && r.path.includes('/blobs/uploads/') ? 100_000 : undefined),
      });
      const repo = freshRepository('rock-test/cut-always');
      const client = clientFor(proxy.url, { attempts: 3 });
      const error = await client
        .pushArtifact(
          repo,
          {
            artifactType: 'application/vnd.rock-os.image.v1',
            layers: [{ path: big.path, mediaType: 'application/octet-stream' }],
          },
          'latest',
        )
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'OCI_UNREACHABLE', data: { attempts: 3 } });
      expect(proxy.requests.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/'))).toEqual([]);
      const tag = await fetch(`${url}/v2/${repo}/manifests/latest`, { headers: { accept: MANIFEST_ACCEPT } });
      expect(tag.status).toBe(404);
      await proxy.close();
      proxy = undefined;
    });

    it('re-uploads the blobs a MANIFEST_BLOB_UNKNOWN names, once, when a HEAD lied', async () => {
      const a = file('lied.bin', 50_000);
      const digest = sha256(a.bytes);
      proxy = await startRegistryProxy({
        upstream: url,
        fake: (r) =>
          r.method === 'HEAD' && r.path.endsWith(digest)
            ? { status: 200, headers: { 'content-length': '50000' } }
            : undefined,
      });
      const repo = freshRepository('rock-test/blob-unknown');
      const pushed = await clientFor(proxy.url).pushArtifact(
        repo,
        {
          artifactType: 'application/vnd.rock-os.component.v1',
          layers: [{ path: a.path, mediaType: 'application/octet-stream' }],
        },
        'v1',
      );
      expect(pushed.uploaded).toContain(digest);
      const blob = Buffer.from(await (await fetch(`${url}/v2/${repo}/blobs/${digest}`)).arrayBuffer());
      expect(blob.equals(a.bytes)).toBe(true);
      await proxy.close();
      proxy = undefined;
    });

    it('follows a Bearer challenge: a token for pull,push from the realm, then the real registry', async () => {
      proxy = await startRegistryProxy({
        upstream: url,
        bearer: { username: 'ann', password: 'token-pass' },
      });
      const a = file('bearer.bin', 10_000);
      const repo = freshRepository('rock-test/bearer');
      const credentials = { username: 'ann', password: 'token-pass', source: 'test' };
      const client = clientFor(proxy.url, { credentials });
      const pushed = await client.pushArtifact(
        repo,
        {
          artifactType: 'application/vnd.rock-os.component.v1',
          layers: [{ path: a.path, mediaType: 'application/octet-stream' }],
        },
        'v1',
      );
      expect(proxy.tokenScopes).toContain(`repository:${repo}:pull,push`);
      expect((await client.getManifest(repo, 'v1')).digest).toBe(pushed.digest);

      const wrong = clientFor(proxy.url, { credentials: { ...credentials, password: 'not-it' } });
      const error = await wrong.getManifest(repo, 'v1').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'OCI_CREDENTIALS_REFUSED' });
      expect(String((error as Error).message)).toContain('user ann');
      expect(JSON.stringify(error) + (error as Error).message).not.toContain('not-it');
      await proxy.close();
      proxy = undefined;
    });
  });

  it.skipIf(registries.storage === undefined)(
    'refuses a blob tampered with in the registry storage, and writes nothing',
    async () => {
      const a = file('tamper.bin', 4096);
      const digest = sha256(a.bytes);
      const repo = freshRepository('rock-test/tamper');
      const client = clientFor(url);
      const pushed = await client.pushArtifact(
        repo,
        {
          artifactType: 'application/vnd.rock-os.component.v1',
          layers: [{ path: a.path, mediaType: 'application/octet-stream' }],
        },
        'v1',
      );
      const hex = digest.slice('sha256:'.length);
      const stored = path.join(
        registries.storage ?? '',
        'docker/registry/v2/blobs/sha256',
        hex.slice(0, 2),
        hex,
        'data',
      );
      const bytes = fs.readFileSync(stored);
      bytes[100] = (bytes[100] ?? 0) ^ 0xff;
      fs.writeFileSync(stored, bytes);
      const outDir = fs.mkdtempSync(path.join(work, 'tampered-'));
      const error = await downloadBlobs(client.session, repo, [
        {
          descriptor: pushed.manifest.layers[0] as never,
          path: path.join(outDir, 'tamper.bin'),
          name: 'tamper.bin',
        },
      ]).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'OCI_DIGEST_MISMATCH',
        exitCode: 1,
        data: { blob: 'tamper.bin', expected: digest },
      });
      expect((error as Error).message).toMatch(
        /^blob tamper\.bin: digest: expected sha256:[0-9a-f]{64}, got sha256:/,
      );
      expect(fs.readdirSync(outDir)).toEqual([]);
    },
  );
});

describe.skipIf(registries.auth === undefined)(
  'OCI client against docker-registry 2.8 with htpasswd (ROCK_TEST_REGISTRY_AUTH)',
  () => {
    const auth = registries.auth ?? { url: '', username: '', password: '' };

    it('pushes with the right Basic credentials', async () => {
      const a = file('basic.bin', 5000);
      const repo = freshRepository('rock-test/basic');
      const client = clientFor(auth.url, {
        credentials: { username: auth.username, password: auth.password, source: 'test' },
      });
      const pushed = await client.pushArtifact(
        repo,
        {
          artifactType: 'application/vnd.rock-os.component.v1',
          layers: [{ path: a.path, mediaType: 'application/octet-stream' }],
        },
        'v1',
      );
      expect((await client.getManifest(repo, 'v1')).digest).toBe(pushed.digest);
    });

    it('refuses wrong credentials with a clear message, and nothing is written', async () => {
      const a = file('basic-wrong.bin', 5000);
      const repo = freshRepository('rock-test/basic-wrong');
      const client = clientFor(auth.url, {
        credentials: { username: auth.username, password: 'wrong-secret', source: '/x/config.json' },
      });
      const error = await client
        .pushArtifact(
          repo,
          {
            artifactType: 'application/vnd.rock-os.component.v1',
            layers: [{ path: a.path, mediaType: 'application/octet-stream' }],
          },
          'v1',
        )
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'OCI_CREDENTIALS_REFUSED', exitCode: 2 });
      expect((error as Error).message).toBe(
        `${hostOf(auth.url)}: credentials of user ${auth.username} (from /x/config.json) refused for HEAD /v2/${repo}/blobs/sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a`,
      );
      expect(JSON.stringify((error as { data: unknown }).data)).not.toContain('wrong-secret');
      const right = clientFor(auth.url, {
        credentials: { username: auth.username, password: auth.password, source: 'test' },
      });
      expect(
        await right.hasBlob(
          repo,
          `sha256:${createHash('sha256').update(fs.readFileSync(a.path)).digest('hex')}`,
        ),
      ).toBe(false);
      const tag = await right.getManifest(repo, 'v1').catch((e: unknown) => e);
      expect(tag).toMatchObject({ code: 'OCI_NOT_FOUND' });
    });

    it('says credentials are needed when none are stored', async () => {
      const error = await clientFor(auth.url)
        .getManifest('rock-test/none', 'v1')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'OCI_CREDENTIALS_REQUIRED' });
    });
  },
);
