import { dispenserInputError } from './errors.js';
import { CREATE_SCHEMA_MIGRATIONS, pendingMigrations, SCHEMA_VERSION } from './migrations.js';
import type { SqlConnection } from './sql-connection.js';

/**
 * Brings a database to the current schema version: the one migration runner of both backends. The
 * caller holds the backend's lock for it (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock),
 * so concurrent first users wait for each other. Refuses a database written by a newer rock-mac
 * (`DB_SCHEMA_TOO_NEW`, exit 2: this build cannot use it) naming `location`.
 */
export async function migrate(db: SqlConnection, location: string, now: () => Date): Promise<void> {
  await db.run(CREATE_SCHEMA_MIGRATIONS);
  const [row] = await db.all<{ v: unknown }>('SELECT max(version) AS v FROM schema_migrations');
  const current = row?.v === null || row?.v === undefined ? 0 : Number(row.v);
  if (current > SCHEMA_VERSION) {
    throw dispenserInputError(
      'DB_SCHEMA_TOO_NEW',
      `${location}: schema version ${current} is newer than this rock-mac understands (${SCHEMA_VERSION}); upgrade rock-mac`,
      { location, expected: SCHEMA_VERSION, actual: current },
    );
  }
  for (const m of pendingMigrations(current)) {
    await db.run(m[db.dialect]);
    await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
      m.version,
      m.name,
      now().toISOString(),
    ]);
  }
}

/** The schema version recorded in the database (0 before the first migration). */
export async function schemaVersion(db: SqlConnection): Promise<number> {
  const [row] = await db.all<{ v: unknown }>('SELECT max(version) AS v FROM schema_migrations');
  return row?.v === null || row?.v === undefined ? 0 : Number(row.v);
}
