import { ArtifactCache, type ArtifactCacheSettings } from './artifact-cache.js';
import { type CacheLocation, cacheDir } from './cache-dir.js';

/** Options of {@link openCache}: where the store is, and how it behaves. */
export interface OpenCacheOptions extends CacheLocation, ArtifactCacheSettings {}

/**
 * Opens the artifact cache at `dir`, else `$ROCK_CACHE_DIR`, else `$ROCK_HOME/cache` (default
 * `~/.rock/cache`), reading the environment from `env` (a command's `context.env`). Nothing is
 * created until something is stored.
 *
 * @example
 * const cache = openCache({ env: context.env, cwd: context.cwd });
 * const hit = await cache.get('rock-init@1.4.2:3f1c', 'out/rock-init');
 * if (!hit) { await build(); await cache.put('rock-init@1.4.2:3f1c', 'out/rock-init'); }
 */
export function openCache(options: OpenCacheOptions = {}): ArtifactCache {
  return new ArtifactCache(cacheDir(options), options);
}
