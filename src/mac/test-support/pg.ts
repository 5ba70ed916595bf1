import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the tests use: `$ROCK_MAC_TEST_PG_URL`, default the one scripts/start-postgres.sh starts. */
export const PG_URL = process.env.ROCK_MAC_TEST_PG_URL || 'postgres://rock:rock@127.0.0.1:5432/rock_test';

/** A fresh schema for one test file (or test); `drop()` removes it and everything in it. */
export interface TestSchema {
  readonly schema: string;
  /** The URL with `options=-c search_path=<schema>`, for code that only takes a URL (CLI, workers). */
  readonly url: string;
  /** A client whose search_path is the schema, for assertions on raw tables. */
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/**
 * Creates a schema with a random name. Fails (never skips) with a message naming
 * scripts/start-postgres.sh when the server cannot be reached.
 */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `rock_mac_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL tests need a server at ${PG_URL} (set ROCK_MAC_TEST_PG_URL, or start one with ` +
        `scripts/start-postgres.sh): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`SET search_path = ${schema}`);
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    url: u.toString(),
    query: async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
      (await admin.query<R>(sql, params)).rows,
    drop: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}
