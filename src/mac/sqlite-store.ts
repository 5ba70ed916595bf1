import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ToolError } from '../errors/index.js';
import { makeDirs } from '../util/make-dirs.js';
import { CREATE_SCHEMA_MIGRATIONS, pendingMigrations, SCHEMA_VERSION } from './migrations.js';
import { SqliteTx } from './sqlite-tx.js';
import type { MacStore, StoreTx } from './store.js';

/** How long a writer waits for another process's transaction before failing (ms). */
const BUSY_TIMEOUT_MS = 60_000;

/**
 * Opens (creating file and parent directories on first use) the SQLite database at `file` and brings
 * its schema to the current version. WAL journal, `synchronous=FULL` (an allocation that was reported
 * survives a power cut, not just a crash), `BEGIN IMMEDIATE` writers. Refuses a database written by
 * a newer rock-mac (`DB_SCHEMA_TOO_NEW`) and a file that is not a database (`DB_OPEN_FAILED`).
 */
export async function openSqliteStore(file: string): Promise<MacStore> {
  let db: Database.Database;
  try {
    makeDirs(dirname(file));
    db = new Database(file);
    // busy_timeout first: switching to WAL itself needs a lock another process may hold.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new ToolError('DB_OPEN_FAILED', `${file}: cannot open the MAC database: ${msg}`, { file }, 1);
  }
  return new SqliteStore(db, file);
}

function migrate(db: Database.Database, file: string): void {
  // IMMEDIATE: concurrent first users wait for each other instead of racing to create tables.
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(CREATE_SCHEMA_MIGRATIONS);
    const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new ToolError(
        'DB_SCHEMA_TOO_NEW',
        `${file}: schema version ${current} is newer than this rock-mac understands (${SCHEMA_VERSION}); upgrade rock-mac`,
        { file, expected: SCHEMA_VERSION, actual: current },
        1,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of pendingMigrations(current)) {
      db.exec(m.sqlite);
      record.run(m.version, m.name, new Date().toISOString());
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

class SqliteStore implements MacStore {
  readonly backend = 'sqlite' as const;
  private readonly tx: SqliteTx;
  /** One connection serves this process: its transactions run one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    this.tx = new SqliteTx(db);
  }

  async schemaVersion(): Promise<number> {
    const row = this.db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as {
      v: number | null;
    };
    return row.v ?? 0;
  }

  write<T>(_pools: readonly string[], fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // SQLite has one writer per database: BEGIN IMMEDIATE takes the write lock up front, so the
    // busy timeout applies (a deferred transaction upgrading to write fails at once instead).
    return this.serial('BEGIN IMMEDIATE', fn);
  }

  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.serial('BEGIN', fn);
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.db.close();
  }

  private serial<T>(begin: string, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async () => {
      this.db.exec(begin);
      try {
        const result = await fn(this.tx);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
