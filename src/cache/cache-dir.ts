import path from 'node:path';
import { rockHome } from '../util/rock-home.js';

/** Where a store lives, from the options of {@link openCache}. */
export interface CacheLocation {
  /** The store directory itself; wins over the environment. Relative to `cwd`. */
  dir?: string;
  /** Read for `ROCK_CACHE_DIR` and `ROCK_HOME` (pass the command context's env, not `process.env`). */
  env?: Readonly<NodeJS.ProcessEnv>;
  /** `$ROCK_HOME` already resolved (the context's `home`); default from `env`. */
  home?: string;
  /** Where a relative `dir` or `ROCK_CACHE_DIR` is resolved; default the process's. */
  cwd?: string;
}

/** `dir`, else `$ROCK_CACHE_DIR`, else `$ROCK_HOME/cache` (default `~/.rock/cache`), absolute. */
export function cacheDir(location: CacheLocation = {}): string {
  const env = location.env ?? {};
  const cwd = location.cwd ?? process.cwd();
  if (location.dir !== undefined && location.dir !== '') return path.resolve(cwd, location.dir);
  const fromEnv = env.ROCK_CACHE_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(cwd, fromEnv);
  return path.join(location.home ?? rockHome(env as NodeJS.ProcessEnv), 'cache');
}
