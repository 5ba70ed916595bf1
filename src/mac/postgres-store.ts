import pg from 'pg';
import { ToolError } from '../errors/index.js';
import { dispenserInputError } from './errors.js';
import { migrate, schemaVersion } from './migrate.js';
import { numberPlaceholders, type SqlConnection } from './sql-connection.js';
import type { MacStore, StoreTx } from './store.js';
import { SqlStoreTx } from './store-tx.js';

/** Options for {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** Use (and create if missing) this schema instead of the connection's default search_path. */
  readonly schema?: string;
  /** Connections kept open (default 2). */
  readonly maxConnections?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `postgres://user:***@host/db`: a URL safe to print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/**
 * Connects to the PostgreSQL database at `url` and brings its schema to the current version (under an
 * advisory lock, so concurrent first users do not race). Writers serialise per pool with
 * `pg_advisory_xact_lock`. Refuses an unreachable server or bad credentials (`DB_UNREACHABLE`), a
 * bad schema name (`DB_BAD_SCHEMA`) and a database written by a newer rock-mac (`DB_SCHEMA_TOO_NEW`).
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<MacStore> {
  const location = redactUrl(url);
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw dispenserInputError(
      'DB_BAD_SCHEMA',
      `schema: expected a lowercase SQL identifier, got '${schema}'`,
      {
        field: 'schema',
        schema,
      },
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 2,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT pg_advisory_xact_lock(hashtext('rock-mac:migrate'))");
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await migrate(pgConnection(client), location, () => new Date());
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof ToolError) throw err;
    const e = err as NodeJS.ErrnoException;
    const why = e.code !== undefined && e.message === '' ? e.code : (e.message ?? String(err));
    throw dispenserInputError('DB_UNREACHABLE', `${location}: cannot use the PostgreSQL database: ${why}`, {
      location,
    });
  }
  return new PostgresStore(pool, location);
}

class PostgresStore implements MacStore {
  readonly backend = 'postgres' as const;

  constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {}

  async schemaVersion(): Promise<number> {
    const client = await this.pool.connect();
    try {
      return await schemaVersion(pgConnection(client));
    } finally {
      client.release();
    }
  }

  async write<T>(pools: readonly string[], fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', async (client) => {
      // Sorted, so two writers that lock several pools cannot deadlock. The key includes the schema:
      // advisory locks are per database, schemas must not serialise each other.
      for (const p of [...new Set(pools)].sort()) {
        await client.query(
          "SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ':rock-mac:' || $1))",
          [p],
        );
      }
      return fn(new SqlStoreTx(pgConnection(client)));
    });
  }

  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (client) =>
      fn(new SqlStoreTx(pgConnection(client))),
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(begin: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

/** A pg client behind the common connection: `?` placeholders numbered for PostgreSQL. */
function pgConnection(client: pg.PoolClient): SqlConnection {
  return {
    dialect: 'postgres',
    async all<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await client.query(numberPlaceholders(sql), [...params])).rows as R[];
    },
    async run(sql: string, params: readonly unknown[] = []): Promise<void> {
      await client.query(params.length === 0 ? sql : numberPlaceholders(sql), [...params]);
    },
  };
}
