import { InputError } from '../errors/index.js';
import {
  downloadBlob,
  formatReference,
  type ImageManifest,
  type OciClient,
  openClient,
  parseReference,
  RegistryError,
  type RetryOptions,
} from '../oci/index.js';
import { keyId } from './key.js';
import type { RemoteEntry, RemoteStore } from './remote-store.js';
import type { CacheEntry } from './types.js';

/** The artifactType of a cache entry's manifest. */
export const CACHE_ARTIFACT_TYPE = 'application/vnd.rock-os.cache.v1';
const LAYER_TYPE = 'application/octet-stream';
/** Annotations of the one layer: what a `get` restores besides the bytes. */
const ANNOTATION = {
  key: 'dev.rock-os.cache.key',
  mode: 'dev.rock-os.cache.mode',
  created: 'dev.rock-os.cache.created',
  title: 'org.opencontainers.image.title',
} as const;

export interface OciRemoteOptions {
  /** For credentials (`DOCKER_CONFIG`, `HOME`): the command's environment. */
  env?: Readonly<NodeJS.ProcessEnv>;
  /** Plain http to a host that is not loopback. */
  insecure?: boolean;
  /** Retries per request; the cache's default is short (a remote that is down must not slow builds). */
  retry?: RetryOptions;
}

/**
 * A cache remote in one repository of an OCI registry. Each key is the tag `rock-cache-<sha256 of
 * key>` (tags cannot hold `@`, `:` or `/`) naming an image manifest of artifactType
 * `application/vnd.rock-os.cache.v1` with one layer: the content, annotated with the key, its mode
 * and creation time. The client pushes blob, manifest, then tag, so a tag never names missing content.
 *
 * Once the registry has not answered at all, later calls fail at once (one timeout per build, not one
 * per key).
 */
export class OciRemote implements RemoteStore {
  readonly location: string;
  private readonly repository: string;
  private readonly openClient: () => OciClient;
  private opened: OciClient | undefined;
  private unreachable: RegistryError | undefined;

  constructor(reference: string, options: OciRemoteOptions = {}) {
    const ref = parseReference(reference, { insecure: options.insecure });
    if (ref.tag !== undefined || ref.digest !== undefined)
      throw new InputError(
        'CACHE_BAD_REMOTE',
        `remote: expected oci://HOST[:PORT]/REPO (keys choose the tags), got ${reference}`,
        {
          field: 'remote',
        },
      );
    this.repository = ref.repository;
    this.location = formatReference(ref);
    // Opened on first use: credentials are read only when the remote is needed (a `list` never is).
    this.openClient = () =>
      openClient(ref, {
        env: options.env ?? {},
        insecure: options.insecure,
        attempts: options.retry?.attempts ?? 2,
        backoffMs: options.retry?.backoffMs ?? 100,
      });
  }

  private client(): OciClient {
    this.opened ??= this.openClient();
    return this.opened;
  }

  /** The tag a key lives under. */
  static tagOf(key: string): string {
    return `rock-cache-${keyId(key)}`;
  }

  async has(key: string): Promise<boolean> {
    return (await this.manifest(key)) !== undefined;
  }

  async pull(key: string, file: string): Promise<RemoteEntry | undefined> {
    const manifest = await this.manifest(key);
    if (manifest === undefined) return undefined;
    const entry = this.entryOf(key, manifest);
    const layer = manifest.layers[0]!;
    const out = await this.guard(() =>
      downloadBlob(this.client().session, this.repository, {
        descriptor: layer,
        path: file,
        name: key,
        mode: 0o444,
      }),
    );
    await out.commit();
    return entry;
  }

  async push(key: string, file: string, entry: CacheEntry): Promise<void> {
    await this.guard(() =>
      this.client().pushArtifact(
        this.repository,
        {
          artifactType: CACHE_ARTIFACT_TYPE,
          layers: [
            {
              path: file,
              mediaType: LAYER_TYPE,
              digest: entry.digest,
              size: entry.size,
              annotations: {
                [ANNOTATION.key]: key,
                [ANNOTATION.mode]: entry.mode.toString(8).padStart(4, '0'),
                [ANNOTATION.created]: String(entry.createdAt),
                [ANNOTATION.title]: key.replaceAll('/', '_'),
              },
            },
          ],
        },
        OciRemote.tagOf(key),
      ),
    );
  }

  /** The manifest tagged for `key`, or undefined when the registry has no such tag. */
  private async manifest(key: string): Promise<ImageManifest | undefined> {
    try {
      return (await this.guard(() => this.client().getManifest(this.repository, OciRemote.tagOf(key))))
        .manifest;
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'OCI_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** What the manifest says about `key`; refuses one that is not a cache entry of this very key. */
  private entryOf(key: string, manifest: ImageManifest): RemoteEntry {
    const layer = manifest.layers.length === 1 ? manifest.layers[0] : undefined;
    const a = layer?.annotations ?? {};
    const mode = /^[0-7]{1,4}$/.test(a[ANNOTATION.mode] ?? '') ? Number.parseInt(a[ANNOTATION.mode]!, 8) : -1;
    const created = Number(a[ANNOTATION.created]);
    const problem =
      manifest.artifactType !== CACHE_ARTIFACT_TYPE
        ? `artifactType ${CACHE_ARTIFACT_TYPE}, got ${manifest.artifactType ?? 'none'}`
        : layer === undefined
          ? `one layer, got ${manifest.layers.length}`
          : a[ANNOTATION.key] !== key
            ? `the key ${key} in ${ANNOTATION.key}, got ${JSON.stringify(a[ANNOTATION.key] ?? null)}`
            : mode < 0 || mode > 0o777
              ? `permission bits in ${ANNOTATION.mode}, got ${JSON.stringify(a[ANNOTATION.mode] ?? null)}`
              : !Number.isSafeInteger(created)
                ? `milliseconds in ${ANNOTATION.created}`
                : undefined;
    if (problem !== undefined || layer === undefined)
      throw new RegistryError(
        'CACHE_REMOTE_BAD_ENTRY',
        `${this.location}:${OciRemote.tagOf(key)}: manifest: expected ${problem}`,
        { key, tag: OciRemote.tagOf(key) },
        false,
      );
    return { digest: layer.digest, size: layer.size, mode, createdAt: created };
  }

  /** Fails at once after the registry was unreachable once; remembers a first unreachable error. */
  private async guard<T>(step: () => Promise<T>): Promise<T> {
    if (this.unreachable !== undefined) throw this.unreachable;
    try {
      return await step();
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'OCI_UNREACHABLE') this.unreachable = err;
      throw err;
    }
  }
}
