import { rockHome } from '../util/rock-home.js';
import { ArtifactCache, type ArtifactCacheSettings } from './artifact-cache.js';
import { cacheConfigPath, readCacheConfig } from './cache-config.js';
import { type CacheLocation, cacheDir } from './cache-dir.js';
import { OciRemote } from './oci-remote.js';
import type { RemoteStore } from './remote-store.js';

/** Options of {@link openCache}: where the store is, and how it behaves. */
export interface OpenCacheOptions
  extends CacheLocation,
    Omit<ArtifactCacheSettings, 'remote' | 'remoteRequired'> {
  /**
   * The registry behind the cache: `oci://HOST[:PORT]/REPO`, a {@link RemoteStore}, or `false` for none.
   * Default `$ROCK_CACHE_REMOTE`, else `remote` in `$ROCK_HOME/cache.yaml`, else none.
   */
  remote?: string | RemoteStore | false;
  /** Remote failures are errors, not warnings. Default `remoteRequired` in cache.yaml, else false. */
  remoteRequired?: boolean;
  /** Plain http to a remote that is not loopback. Default `insecure` in cache.yaml, else false. */
  insecure?: boolean;
}

/**
 * Opens the artifact cache at `dir`, else `$ROCK_CACHE_DIR`, else `$ROCK_HOME/cache` (default
 * `~/.rock/cache`), reading the environment from `env` (a command's `context.env`), with the remote
 * the options, `$ROCK_CACHE_REMOTE` or `$ROCK_HOME/cache.yaml` name. Nothing is created until
 * something is stored, and nothing is asked of the remote until a local miss or a put.
 *
 * @example
 * const cache = openCache({ env: context.env, cwd: context.cwd, warn: (m) => context.io.err(m) });
 * const hit = await cache.get('rock-init@1.4.2:3f1c', 'out/rock-init');
 * if (!hit) { await build(); await cache.put('rock-init@1.4.2:3f1c', 'out/rock-init'); }
 */
export function openCache(options: OpenCacheOptions = {}): ArtifactCache {
  const env = options.env ?? {};
  const home = options.home ?? rockHome(env as NodeJS.ProcessEnv);
  const config = readCacheConfig(cacheConfigPath(home));
  const fromEnv = env.ROCK_CACHE_REMOTE;
  const chosen =
    options.remote !== undefined
      ? options.remote
      : fromEnv !== undefined
        ? fromEnv === ''
          ? false
          : fromEnv
        : (config.remote ?? false);
  const remote =
    typeof chosen === 'string'
      ? new OciRemote(chosen, { env, insecure: options.insecure ?? config.insecure ?? false })
      : chosen === false
        ? undefined
        : chosen;
  return new ArtifactCache(cacheDir({ ...options, home }), {
    cwd: options.cwd,
    warn: options.warn,
    remote,
    remoteRequired: options.remoteRequired ?? config.remoteRequired ?? false,
  });
}
