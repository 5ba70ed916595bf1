import { join, resolve } from 'node:path';
import { rockHome } from '../util/rock-home.js';
import type { MacStore } from './store.js';

/** Which database a dispenser uses. */
export type DatabaseTarget =
  | { readonly backend: 'sqlite'; readonly file: string }
  | { readonly backend: 'postgres'; readonly url: string; readonly schema?: string };

/** The default SQLite file name under the state directory. */
export const DEFAULT_DB_FILE = 'mac-dispenser.db';

/** True for `postgres://` and `postgresql://` URLs. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/**
 * Resolves the database: `explicit` (`--db`: a file path or a postgres URL), else
 * `$ROCK_MAC_DATABASE_URL` (shared PostgreSQL), else `$ROCK_MAC_DB` (SQLite file), else
 * `mac-dispenser.db` under the state directory (`$ROCK_HOME`, default `~/.rock`). Never refuses.
 */
export function resolveDatabase(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): DatabaseTarget {
  const pick = (v: string | undefined) => (v !== undefined && v !== '' ? v : undefined);
  const chosen = pick(explicit) ?? pick(env.ROCK_MAC_DATABASE_URL) ?? pick(env.ROCK_MAC_DB);
  if (chosen === undefined) return { backend: 'sqlite', file: join(rockHome(env), DEFAULT_DB_FILE) };
  return isPostgresUrl(chosen)
    ? { backend: 'postgres', url: chosen }
    : { backend: 'sqlite', file: resolve(cwd, chosen) };
}

/**
 * Opens the store for `target`, creating and migrating the database on first use; refuses what the
 * backend refuses. Only the chosen backend's driver is loaded (a SQLite dispenser never loads pg).
 */
export async function openStore(target: DatabaseTarget): Promise<MacStore> {
  if (target.backend === 'sqlite') return (await import('./sqlite-store.js')).openSqliteStore(target.file);
  const { openPostgresStore } = await import('./postgres-store.js');
  return openPostgresStore(target.url, target.schema !== undefined ? { schema: target.schema } : {});
}
