import path from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../errors/index.js';
import { fsError } from '../util/fs-errors.js';
import { makeDirs } from '../util/make-dirs.js';

/** The local catalogue: `$ROCK_HOME/registry.db`. */
export function registryDbPath(home: string): string {
  return path.join(home, 'registry.db');
}

/**
 * Schema migrations, in order; `PRAGMA user_version` records how many ran. Append, never edit:
 * a database written by an older version is brought forward step by step.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE components (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     type TEXT NOT NULL CHECK (type IN ('component', 'kernel', 'image')),
     digest TEXT NOT NULL,
     size INTEGER NOT NULL,
     file TEXT NOT NULL,
     role TEXT CHECK (role IN ('init', 'manager', 'agent', 'busybox')),
     metadata TEXT NOT NULL DEFAULT '{}',
     PRIMARY KEY (name, version)
   );
   CREATE TABLE dependencies (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     dep_name TEXT NOT NULL,
     dep_version TEXT NOT NULL,
     PRIMARY KEY (name, version, dep_name, dep_version),
     FOREIGN KEY (name, version) REFERENCES components (name, version) ON DELETE CASCADE
   );
   CREATE INDEX dependencies_target ON dependencies (dep_name, dep_version);
   CREATE TABLE tags (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     tag TEXT NOT NULL,
     PRIMARY KEY (name, version, tag),
     FOREIGN KEY (name, version) REFERENCES components (name, version) ON DELETE CASCADE
   );`,
];

/**
 * Opens (creating it and `home` if needed) the catalogue database and runs pending migrations in one
 * transaction. Refuses a database from a newer rock-os-tools (REGISTRY_DB_TOO_NEW, exit 2).
 */
export function openRegistryDb(home: string): Database.Database {
  const file = registryDbPath(home);
  let db: Database.Database;
  try {
    makeDirs(home, 0o700);
    db = new Database(file);
  } catch (error) {
    throw fsError(error, file, 'cannot open the registry database');
  }
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    db.close();
    throw new InputError(
      'REGISTRY_DB_TOO_NEW',
      `${file}: schema version: expected at most ${MIGRATIONS.length}, got ${current} (written by a newer rock-registry)`,
      { path: file, expected: MIGRATIONS.length, actual: current },
    );
  }
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v += 1) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
  return db;
}

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
