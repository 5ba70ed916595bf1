import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ToolError } from '../errors/index.js';
import { fsError } from '../util/fs-errors.js';
import { makeDirs } from '../util/make-dirs.js';
import { dispenserInputError } from './errors.js';
import { migrate, schemaVersion } from './migrate.js';
import type { SqlConnection } from './sql-connection.js';
import type { MacStore, StoreTx } from './store.js';
import { SqlStoreTx } from './store-tx.js';

/** How long a writer waits for another process's transaction before failing (ms). */
const BUSY_TIMEOUT_MS = 60_000;

/**
 * Opens (creating file and parent directories on first use) the SQLite database at `file` and brings
 * its schema to the current version. WAL journal, `synchronous=FULL` (an allocation that was reported
 * survives a power cut, not just a crash), `BEGIN IMMEDIATE` writers. Refuses a database written by
 * a newer rock-mac (`DB_SCHEMA_TOO_NEW`) and a file that is not a database or cannot be opened
 * (`DB_OPEN_FAILED`), both exit 2 with `data.location`.
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
  } catch (err) {
    throw openFailed(err, file);
  }
  const conn = sqliteConnection(db);
  // IMMEDIATE: concurrent first users wait for each other instead of racing to create tables.
  db.exec('BEGIN IMMEDIATE');
  try {
    await migrate(conn, file, () => new Date());
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
    throw openFailed(err, file);
  }
  return new SqliteStore(db, conn, file);
}

/** A file that is not a database, or cannot be opened: the user's situation (exit 2), with the path. */
function openFailed(err: unknown, file: string): unknown {
  if (err instanceof ToolError) return err;
  const fs = fsError(err, file, 'cannot open the MAC database', 'DB_OPEN_FAILED');
  if (fs instanceof ToolError) return fs;
  const msg = err instanceof Error ? err.message : String(err);
  return dispenserInputError('DB_OPEN_FAILED', `${file}: cannot open the MAC database: ${msg}`, {
    location: file,
  });
}

/** better-sqlite3 behind the common connection: statements prepared once and kept. */
function sqliteConnection(db: Database.Database): SqlConnection {
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let st = prepared.get(sql);
    if (!st) {
      st = db.prepare(sql);
      prepared.set(sql, st);
    }
    return st;
  };
  return {
    dialect: 'sqlite',
    async all<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      return statement(sql).all(...params) as R[];
    },
    async run(sql: string, params: readonly unknown[] = []): Promise<void> {
      // Without parameters it may be a script of several statements (a migration).
      if (params.length === 0) db.exec(sql);
      else statement(sql).run(...params);
    },
  };
}

class SqliteStore implements MacStore {
  readonly backend = 'sqlite' as const;
  private readonly tx: StoreTx;
  /** One connection serves this process: its transactions run one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database.Database,
    private readonly conn: SqlConnection,
    readonly location: string,
  ) {
    this.tx = new SqlStoreTx(conn);
  }

  schemaVersion(): Promise<number> {
    return schemaVersion(this.conn);
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
