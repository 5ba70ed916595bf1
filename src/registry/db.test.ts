import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRegistryDb, registryDbPath, SCHEMA_VERSION } from './db.js';

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-registry-db-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('registry.db migrations', () => {
  it('creates the schema once and records its version; reopening migrates nothing', () => {
    const db = openRegistryDb(home);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.prepare(
      "INSERT INTO components (name, version, type, digest, size, file) VALUES ('a', '1', 'component', 'sha256:x', 1, 'a')",
    ).run();
    db.close();
    const again = openRegistryDb(home);
    expect(again.prepare('SELECT count(*) AS n FROM components').get()).toEqual({ n: 1 });
    again.close();
  });

  it('refuses a database written by a newer version, naming the file and both versions', () => {
    const db = new Database(registryDbPath(home));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openRegistryDb(home)).toThrow(
      `${registryDbPath(home)}: schema version: expected at most ${SCHEMA_VERSION}, got ${SCHEMA_VERSION + 1} (written by a newer rock-registry)`,
    );
  });
});
