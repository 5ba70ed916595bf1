import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshRepository, hostOf, testRegistries } from '../oci/test-support/test-registry.js';
import { OciRemote, openCache } from './index.js';

const registries = testRegistries();
const registry = registries.anonymous;

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-cache-remote-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer, mode = 0o644): string {
  const p = path.join(root, name);
  fs.writeFileSync(p, content);
  fs.chmodSync(p, mode);
  return p;
}

/** A loopback port nothing listens on: a registry that is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('registry down', () => {
  it('a local hit is served; a miss is a miss with a warning; puts stay local with a warning', async () => {
    const down = `oci://127.0.0.1:${await closedPort()}/rock-cache`;
    const warnings: string[] = [];
    const cache = openCache({ dir: path.join(root, 'store'), remote: down, warn: (m) => warnings.push(m) });
    const entry = await cache.put('tool@1', file('t', 'tool bytes', 0o755));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^remote ${down}: push tool@1: .*no answer.*\\(continuing with the local cache\\)$`),
    );

    const hit = await cache.get('tool@1', path.join(root, 'out'));
    expect(hit?.digest).toBe(entry.digest);
    expect(fs.readFileSync(path.join(root, 'out'), 'utf8')).toBe('tool bytes');
    expect(warnings).toHaveLength(1); // a hit never asks the remote

    expect(await cache.get('other@1', path.join(root, 'miss'))).toBeUndefined();
    expect(fs.existsSync(path.join(root, 'miss'))).toBe(false);
    expect(warnings[1]).toMatch(new RegExp(`^remote ${down}: get other@1: .*no answer`));
    expect(await cache.has('other@2')).toBe(false);
    expect(warnings).toHaveLength(3);
  });

  it('with remoteRequired a remote failure is an error naming the remote; a local hit still serves', async () => {
    const down = `oci://127.0.0.1:${await closedPort()}/rock-cache`;
    const cache = openCache({ dir: path.join(root, 'store'), remote: down, remoteRequired: true });
    await expect(cache.put('tool@1', file('t', 'x'))).rejects.toMatchObject({
      code: 'CACHE_REMOTE_FAILED',
      message: expect.stringMatching(new RegExp(`^remote ${down}: push tool@1: `)),
    });
    expect((await cache.get('tool@1'))?.size).toBe(1);
    await expect(cache.get('other@1')).rejects.toMatchObject({ code: 'CACHE_REMOTE_FAILED' });
  });

  it('reads credentials only when the remote is asked: a broken docker config spoils no local work', async () => {
    const dockerConfig = path.join(root, 'docker');
    fs.mkdirSync(dockerConfig);
    fs.writeFileSync(path.join(dockerConfig, 'config.json'), '{"auths": ');
    const warnings: string[] = [];
    const cache = openCache({
      dir: path.join(root, 'store'),
      env: { DOCKER_CONFIG: dockerConfig },
      remote: 'oci://127.0.0.1:5999/rock-cache',
      warn: (m) => warnings.push(m),
    });
    await cache.put('k@1', file('f', 'x'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path.join(dockerConfig, 'config.json'));
    expect((await cache.list()).map((e) => e.key)).toEqual(['k@1']);
    expect(await cache.get('k@1')).toBeDefined();
  });

  it('takes the remote from ROCK_CACHE_REMOTE, else cache.yaml; refuses unknown settings', async () => {
    const home = path.join(root, 'home');
    fs.mkdirSync(home);
    expect(openCache({ env: { ROCK_HOME: home } }).remote).toBeUndefined();
    fs.writeFileSync(
      path.join(home, 'cache.yaml'),
      'remote: oci://127.0.0.1:5999/from-config\nremoteRequired: true\n',
    );
    expect(openCache({ env: { ROCK_HOME: home } }).remote?.location).toBe('oci://127.0.0.1:5999/from-config');
    const env = { ROCK_HOME: home, ROCK_CACHE_REMOTE: 'oci://127.0.0.1:5998/from-env' };
    expect(openCache({ env }).remote?.location).toBe('oci://127.0.0.1:5998/from-env');
    expect((await openCache({ env, dir: path.join(root, 's') }).stats()).remote).toBe(
      'oci://127.0.0.1:5998/from-env',
    );
    expect(openCache({ env, remote: false }).remote).toBeUndefined();
    expect(openCache({ env: { ...env, ROCK_CACHE_REMOTE: '' } }).remote).toBeUndefined();
    fs.writeFileSync(path.join(home, 'cache.yaml'), 'remtoe: oci://x/y\n');
    expect(() => openCache({ env: { ROCK_HOME: home } })).toThrow(
      `${path.join(home, 'cache.yaml')}: remtoe: unknown setting (expected one of remote, remoteRequired, insecure)`,
    );
    expect(() => openCache({ dir: root, remote: 'oci://127.0.0.1:5000/repo:tag' })).toThrow(
      /keys choose the tags/,
    );
  });
});

describe.skipIf(registry === undefined)('remote on docker-registry 2.8 (ROCK_TEST_REGISTRY)', () => {
  const remoteOf = (repo: string) => `oci://${hostOf(registry!)}/${repo}`;

  it('put pushes; a second, empty cache directory gets it from the registry and keeps it', async () => {
    const remote = remoteOf(freshRepository('rock-cache-test'));
    const warnings: string[] = [];
    const a = openCache({ dir: path.join(root, 'a'), remote, remoteRequired: true });
    const content = Buffer.alloc(3 << 20, 9);
    const put = await a.put('volcano-agent@2.1.0:linux-amd64', file('agent', content, 0o750));

    // Read back independently: the tag's manifest over plain HTTP.
    const tag = OciRemote.tagOf('volcano-agent@2.1.0:linux-amd64');
    const repo = remote.slice(remote.indexOf('/', 6) + 1);
    const response = await fetch(`${registry}/v2/${repo}/manifests/${tag}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(response.status).toBe(200);
    const manifest = (await response.json()) as {
      artifactType: string;
      layers: { digest: string; annotations: Record<string, string> }[];
    };
    expect(manifest.artifactType).toBe('application/vnd.rock-os.cache.v1');
    expect(manifest.layers[0]).toMatchObject({
      digest: put.digest,
      annotations: {
        'dev.rock-os.cache.key': 'volcano-agent@2.1.0:linux-amd64',
        'dev.rock-os.cache.mode': '0750',
      },
    });

    const b = openCache({ dir: path.join(root, 'b'), remote, warn: (m) => warnings.push(m) });
    expect(await b.has('volcano-agent@2.1.0:linux-amd64')).toBe(true);
    const dest = path.join(root, 'out');
    const got = await b.get('volcano-agent@2.1.0:linux-amd64', dest);
    expect(got).toMatchObject({
      digest: put.digest,
      size: content.length,
      mode: 0o750,
      createdAt: put.createdAt,
    });
    expect(fs.readFileSync(dest).equals(content)).toBe(true);
    expect(fs.statSync(dest).mode & 0o777).toBe(0o750);
    expect(warnings).toEqual([]);

    // Filled locally: found without the remote, and verify agrees; no temp file left.
    const local = openCache({ dir: path.join(root, 'b'), remote: false });
    expect((await local.list()).map((e) => e.key)).toEqual(['volcano-agent@2.1.0:linux-amd64']);
    expect(await local.verify()).toMatchObject({ ok: true, blobsChecked: 1, tempFilesRemoved: 0 });
    expect((await local.stats()).tempFiles).toBe(0);

    // A key the registry does not have is a plain miss, no warning.
    expect(await b.get('never-put@1', path.join(root, 'none'))).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('a damaged local blob is fetched again from the registry', async () => {
    const remote = remoteOf(freshRepository('rock-cache-test'));
    const warnings: string[] = [];
    const cache = openCache({ dir: path.join(root, 'a'), remote, warn: (m) => warnings.push(m) });
    const put = await cache.put('k@1', file('f', 'precious'));
    const blob = cache.blobPath(put.digest)!;
    fs.chmodSync(blob, 0o644);
    fs.writeFileSync(blob, 'PRECIOUS');
    const got = await cache.get('k@1', path.join(root, 'out'));
    expect(got?.digest).toBe(put.digest);
    expect(fs.readFileSync(path.join(root, 'out'), 'utf8')).toBe('precious');
    expect(warnings).toEqual([
      `cache entry k@1: blob ${put.digest} was damaged and is dropped; treated as a miss`,
    ]);
  });

  it.skipIf(registries.storage === undefined)(
    'a blob tampered with on the registry is refused: a miss with a warning, nothing stored',
    async () => {
      const repository = freshRepository('rock-cache-test');
      const remote = remoteOf(repository);
      const a = openCache({ dir: path.join(root, 'a'), remote, remoteRequired: true });
      const put = await a.put('k@1', file('f', 'genuine content'));
      const hex = put.digest.slice(7);
      const data = path.join(
        registries.storage!,
        'docker/registry/v2/blobs/sha256',
        hex.slice(0, 2),
        hex,
        'data',
      );
      fs.writeFileSync(data, 'forged! content');
      const warnings: string[] = [];
      const b = openCache({ dir: path.join(root, 'b'), remote, warn: (m) => warnings.push(m) });
      expect(await b.get('k@1', path.join(root, 'out'))).toBeUndefined();
      expect(warnings[0]).toMatch(/^remote .*: get k@1: blob k@1: digest: expected sha256:/);
      expect(fs.existsSync(path.join(root, 'out'))).toBe(false);
      expect(await b.stats()).toMatchObject({ entries: 0, blobs: 0, tempFiles: 0 });
      const strict = openCache({ dir: path.join(root, 'b'), remote, remoteRequired: true });
      await expect(strict.get('k@1')).rejects.toMatchObject({ code: 'CACHE_REMOTE_FAILED', exitCode: 1 });
    },
  );
});
