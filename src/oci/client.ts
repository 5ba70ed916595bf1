import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BlobSource, digestFile } from './blob-source.js';
import { type UploadOptions, uploadBlobOnce } from './blob-upload.js';
import { type Credentials, readCredentials } from './docker-config.js';
import { RegistryError, type RequestFacts, statusError } from './errors.js';
import {
  buildManifest,
  type Descriptor,
  digestBytes,
  EMPTY_CONFIG,
  EMPTY_CONFIG_BYTES,
  type ImageManifest,
  MANIFEST_ACCEPT,
  MANIFEST_LIMIT,
  type ManifestSpec,
  MEDIA_TYPES,
  parseManifest,
} from './manifest.js';
import type { Reference } from './reference.js';
import { type RetryOptions, withRetries } from './retry.js';
import { discard, RegistrySession, readLimited } from './session.js';

/** Options of {@link openClient}. */
export interface ClientOptions extends UploadOptions, RetryOptions {
  /** Where credentials are looked up (DOCKER_CONFIG, HOME). */
  env?: Readonly<NodeJS.ProcessEnv>;
  /** Credentials to use instead of the config file's (login checks new ones this way). */
  credentials?: Credentials;
  insecure?: boolean;
}

/** A file to push as one layer. */
export interface LayerFile {
  path: string;
  mediaType: string;
  annotations?: Record<string, string>;
  /** Known digest and size (e.g. from the cache); hashed from the file otherwise. */
  digest?: string;
  size?: number;
}

/** What a push did. */
export interface PushResult {
  digest: string;
  manifest: ImageManifest;
  /** Digests uploaded, and those the registry already had (HEAD 200). */
  uploaded: string[];
  skipped: string[];
}

/** A manifest as the registry serves it: parsed, its exact bytes and their digest. */
export interface FetchedManifest {
  manifest: ImageManifest;
  bytes: Buffer;
  digest: string;
}

/**
 * An OCI distribution client for one registry host, on Node's fetch. Pushes are ordered so that a
 * tag never names missing content: blobs first (HEAD, skip what exists), the manifest by digest,
 * the tag last.
 */
export class OciClient {
  readonly session: RegistrySession;
  private readonly options: ClientOptions;

  constructor(session: RegistrySession, options: ClientOptions = {}) {
    this.session = session;
    this.options = options;
  }

  private facts(method: string, p: string): RequestFacts {
    return { host: this.session.host, method, path: p };
  }

  /** HEAD the blob: true when this repository has it. */
  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const p = `/v2/${repository}/blobs/${digest}`;
    const response = await this.session.request({
      method: 'HEAD',
      url: p,
      scope: `repository:${repository}:pull`,
      followRedirects: true,
    });
    await discard(response);
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    throw statusError(this.facts('HEAD', p), response.status, '', 'HTTP 200 or 404');
  }

  /**
   * Uploads a blob unless the repository has it (`force` skips the HEAD), retrying the whole blob.
   * Returns whether bytes were sent.
   */
  async pushBlob(repository: string, blob: BlobSource, force = false): Promise<boolean> {
    if (!force && (await withRetries(() => this.hasBlob(repository, blob.digest), this.options)))
      return false;
    await withRetries(() => uploadBlobOnce(this.session, repository, blob, this.options), this.options);
    return true;
  }

  /** GETs a manifest with the OCI Accept header; checks its digest when `reference` is one. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const p = `/v2/${repository}/manifests/${reference}`;
    const facts = this.facts('GET', p);
    const response = await withRetries(async () => {
      const r = await this.session.request({
        method: 'GET',
        url: p,
        scope: `repository:${repository}:pull`,
        headers: { accept: MANIFEST_ACCEPT },
      });
      if (r.status >= 500) {
        const text = await readLimited(r, 64 * 1024, facts, 'error body').catch(() => '');
        throw statusError(facts, r.status, text, 'HTTP 200');
      }
      return r;
    }, this.options);
    const text = await readLimited(response, MANIFEST_LIMIT, facts, 'manifest');
    if (response.status !== 200) throw statusError(facts, response.status, text, 'HTTP 200');
    const bytes = Buffer.from(text, 'utf8');
    const digest = digestBytes(bytes);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new RegistryError(
        'OCI_DIGEST_MISMATCH',
        `manifest ${reference}: digest: expected ${reference}, got ${digest}`,
        { ...facts, expected: reference, actual: digest },
        false,
        1,
      );
    }
    return { manifest: parseManifest(text, facts), bytes, digest };
  }

  /** PUTs manifest bytes under a digest or tag; returns the digest the registry reports. */
  async putManifest(repository: string, reference: string, bytes: Buffer): Promise<string> {
    const p = `/v2/${repository}/manifests/${reference}`;
    const facts = this.facts('PUT', p);
    return withRetries(async () => {
      const r = await this.session.request({
        method: 'PUT',
        url: p,
        scope: `repository:${repository}:pull,push`,
        headers: { 'content-type': MEDIA_TYPES.manifest },
        body: () => bytes,
      });
      const text = await readLimited(r, 64 * 1024, facts, 'reply').catch(() => '');
      if (r.status !== 201) throw statusError(facts, r.status, text, 'HTTP 201');
      return r.headers.get('docker-content-digest') ?? digestBytes(bytes);
    }, this.options);
  }

  /**
   * Pushes files as one artifact: the empty config and every layer (skipping blobs the registry has),
   * the manifest by digest, then `tag` when given. On MANIFEST_BLOB_UNKNOWN the named blobs are sent
   * again once (a HEAD can report a blob a cancelled push left unusable).
   */
  async pushArtifact(
    repository: string,
    spec: Omit<ManifestSpec, 'layers'> & { layers: LayerFile[] },
    tag?: string,
  ): Promise<PushResult> {
    const uploaded: string[] = [];
    const skipped: string[] = [];
    const emptyFile = writeEmptyConfig();
    const blobs: BlobSource[] = [{ path: emptyFile, digest: EMPTY_CONFIG.digest, size: EMPTY_CONFIG.size }];
    const layers: Descriptor[] = [];
    try {
      for (const layer of spec.layers) {
        const known =
          layer.digest !== undefined && layer.size !== undefined
            ? { digest: layer.digest, size: layer.size }
            : await digestFile(layer.path);
        blobs.push({ path: layer.path, ...known });
        const d: Descriptor = { mediaType: layer.mediaType, ...known };
        if (layer.annotations) d.annotations = layer.annotations;
        layers.push(d);
      }
      for (const blob of blobs) {
        if (uploaded.includes(blob.digest) || skipped.includes(blob.digest)) continue;
        (await this.pushBlob(repository, blob)) ? uploaded.push(blob.digest) : skipped.push(blob.digest);
      }
      const built = buildManifest({ ...spec, layers });
      try {
        await this.putManifest(repository, built.digest, built.bytes);
      } catch (error) {
        const missing = unknownBlobs(error);
        if (missing.length === 0) throw error;
        for (const digest of missing) {
          const blob = blobs.find((b) => b.digest === digest);
          if (blob === undefined) throw error;
          await this.pushBlob(repository, blob, true);
          if (!uploaded.includes(digest)) uploaded.push(digest);
        }
        await this.putManifest(repository, built.digest, built.bytes);
      }
      if (tag !== undefined) await this.putManifest(repository, tag, built.bytes);
      return { digest: built.digest, manifest: built.manifest, uploaded, skipped };
    } finally {
      fs.rmSync(path.dirname(emptyFile), { recursive: true, force: true });
    }
  }
}

/** The `{}` config as a file, so it goes through the same upload path as every blob. */
function writeEmptyConfig(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-oci-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, EMPTY_CONFIG_BYTES);
  return file;
}

/** The digests a MANIFEST_BLOB_UNKNOWN error names (its `detail` is the digest, or `{digest}`). */
function unknownBlobs(error: unknown): string[] {
  if (!(error instanceof RegistryError)) return [];
  const errors = (error.data.errors ?? []) as { code: string; detail?: unknown }[];
  const out: string[] = [];
  for (const e of errors) {
    if (e.code !== 'MANIFEST_BLOB_UNKNOWN' && e.code !== 'BLOB_UNKNOWN') continue;
    const d =
      typeof e.detail === 'string' ? e.detail : (e.detail as { digest?: unknown } | undefined)?.digest;
    if (typeof d === 'string') out.push(d);
  }
  return out;
}

/**
 * A client for the registry a reference names, with the credentials stored for its host
 * (`$DOCKER_CONFIG/config.json`, `~/.docker/config.json`) unless `credentials` are given.
 *
 * @example
 * const ref = parseReference('oci://127.0.0.1:5000/rock/busybox:1.36');
 * const client = openClient(ref, { env: process.env });
 * await client.pushArtifact(ref.repository, { artifactType: ARTIFACT_TYPES.component, layers }, ref.tag);
 */
export function openClient(ref: Pick<Reference, 'host' | 'scheme'>, options: ClientOptions = {}): OciClient {
  const credentials = options.credentials ?? readCredentials(ref.host, options.env ?? {});
  const session = new RegistrySession(ref.host, ref.scheme, {
    ...(credentials ? { credentials } : {}),
    ...(options.insecure ? { insecure: true } : {}),
  });
  return new OciClient(session, options);
}
