/**
 * The database schema, as numbered migrations recorded in `schema_migrations`. A migration is never
 * edited once released: a change is a new version. Both backends get the same tables, columns and
 * rules; only the dialect differs (SQLite keeps times as ISO-8601 UTC text and JSON as checked text).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}

const MAC_GLOB = Array.from({ length: 6 }, () => '[0-9a-f][0-9a-f]').join(':');
const APPEND_ONLY = 'audit_log is append-only';

/** Every migration, oldest first; the last one's version is the current schema version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'allocations, audit log, pool cursors',
    sqlite: `
      CREATE TABLE mac_allocations (
        id INTEGER PRIMARY KEY,
        mac_address TEXT NOT NULL UNIQUE CHECK (mac_address GLOB '${MAC_GLOB}'),
        mac_int INTEGER NOT NULL UNIQUE CHECK (mac_int BETWEEN 0 AND 281474976710655),
        pool TEXT NOT NULL,
        device_id TEXT,
        device_type TEXT,
        metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
        allocated_at TEXT NOT NULL,
        released_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'released', 'reserved')),
        CHECK ((status = 'released') = (released_at IS NOT NULL))
      );
      CREATE INDEX mac_allocations_device ON mac_allocations (device_id, pool, status);
      CREATE INDEX mac_allocations_released ON mac_allocations (pool, status, released_at, mac_int);
      CREATE INDEX mac_allocations_age ON mac_allocations (status, allocated_at);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        action TEXT NOT NULL,
        mac_address TEXT,
        pool TEXT,
        device_id TEXT,
        "user" TEXT NOT NULL,
        details TEXT CHECK (details IS NULL OR json_valid(details)),
        timestamp TEXT NOT NULL
      );
      CREATE INDEX audit_log_mac ON audit_log (mac_address, id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY}'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY}'); END;
      CREATE TABLE mac_pool_cursors (
        pool TEXT PRIMARY KEY,
        next_mac INTEGER NOT NULL,
        range_start INTEGER NOT NULL,
        range_end INTEGER NOT NULL
      );`,
    postgres: `
      CREATE TABLE mac_allocations (
        id BIGSERIAL PRIMARY KEY,
        mac_address TEXT NOT NULL UNIQUE CHECK (mac_address ~ '^([0-9a-f]{2}:){5}[0-9a-f]{2}$'),
        mac_int BIGINT NOT NULL UNIQUE CHECK (mac_int BETWEEN 0 AND 281474976710655),
        pool TEXT NOT NULL,
        device_id TEXT,
        device_type TEXT,
        metadata JSONB,
        allocated_at TIMESTAMPTZ NOT NULL,
        released_at TIMESTAMPTZ,
        status TEXT NOT NULL CHECK (status IN ('active', 'released', 'reserved')),
        CHECK ((status = 'released') = (released_at IS NOT NULL))
      );
      CREATE INDEX mac_allocations_device ON mac_allocations (device_id, pool, status);
      CREATE INDEX mac_allocations_released ON mac_allocations (pool, status, released_at, mac_int);
      CREATE INDEX mac_allocations_age ON mac_allocations (status, allocated_at);
      CREATE TABLE audit_log (
        id BIGSERIAL PRIMARY KEY,
        action TEXT NOT NULL,
        mac_address TEXT,
        pool TEXT,
        device_id TEXT,
        "user" TEXT NOT NULL,
        details JSONB,
        timestamp TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX audit_log_mac ON audit_log (mac_address, id);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '${APPEND_ONLY}'; END $$;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
      CREATE TABLE mac_pool_cursors (
        pool TEXT PRIMARY KEY,
        next_mac BIGINT NOT NULL,
        range_start BIGINT NOT NULL,
        range_end BIGINT NOT NULL
      );`,
  },
];

/** The schema version this build writes and expects. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** SQL creating the version table itself (the same in both dialects). */
export const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/** The migrations a database at `current` still needs, oldest first. */
export function pendingMigrations(current: number): readonly Migration[] {
  return MIGRATIONS.filter((m) => m.version > current);
}
