import { type DatabaseTarget, openStore, resolveDatabase } from './database.js';
import { type DispenserOptions, MacDispenser } from './dispenser.js';
import { loadPoolConfig, type PoolConfig, resolveConfigPath } from './pools.js';

/** Where a dispenser's pools and database come from; every field optional. */
export interface CreateDispenserOptions extends DispenserOptions {
  /** `--db`: SQLite file path or `postgres://` URL (see {@link resolveDatabase} for the defaults). */
  readonly db?: string;
  /** PostgreSQL schema to use (created if missing); ignored for SQLite. */
  readonly schema?: string;
  /** `--config`: pool file (see {@link resolveConfigPath} for the defaults). */
  readonly config?: string;
  /** Pools to use instead of reading any file. */
  readonly pools?: PoolConfig;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** What `rock-mac init` reports. */
export interface DatabaseInfo {
  readonly backend: 'sqlite' | 'postgres';
  readonly location: string;
  readonly schemaVersion: number;
  readonly config: string;
  readonly pools: readonly string[];
}

/**
 * Builds a dispenser: reads and validates the pools now (refusing a bad file with line:column), and
 * opens the database on first use (creating and migrating it), so refused input never touches it.
 */
export function createDispenser(options: CreateDispenserOptions = {}): MacDispenser {
  const env = options.env ?? process.env;
  const config = options.pools ?? loadPoolConfig(resolveConfigPath(options.config, env, options.cwd));
  let target: DatabaseTarget = resolveDatabase(options.db, env, options.cwd);
  if (target.backend === 'postgres' && options.schema !== undefined)
    target = { ...target, schema: options.schema };
  const dispenserOptions: DispenserOptions = {
    user: options.user ?? (env.ROCK_MAC_USER || undefined),
    ...(options.now ? { now: options.now } : {}),
  };
  return new MacDispenser(config, () => openStore(target), dispenserOptions);
}

/** Runs `fn` with a dispenser and closes its database afterwards, whatever happens. */
export async function withDispenser<T>(
  options: CreateDispenserOptions,
  fn: (d: MacDispenser) => Promise<T>,
): Promise<T> {
  const d = createDispenser(options);
  try {
    return await fn(d);
  } finally {
    await d.close();
  }
}

/** Creates (or migrates) the database and reports where it is and its schema version. */
export async function initDatabase(d: MacDispenser): Promise<DatabaseInfo> {
  const store = await d.store();
  return {
    backend: store.backend,
    location: store.location,
    schemaVersion: await store.schemaVersion(),
    config: d.config.source,
    pools: d.config.pools.map((p) => p.name),
  };
}
