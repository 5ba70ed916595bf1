import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type CreateDispenserOptions, createDispenser, type MacDispenser } from '../index.js';
import { createTestSchema } from './pg.js';

/** One fresh database of one backend, and raw SQL access to it for assertions. */
export interface TestDb {
  readonly backend: 'sqlite' | 'postgres';
  /** What `--db` takes: the SQLite file, or a postgres URL whose search_path is the test schema. */
  readonly db: string;
  /** A dispenser on this database (closed by `dispose`). */
  dispenser(options?: Omit<CreateDispenserOptions, 'db' | 'env'>): MacDispenser;
  /** Runs SQL with `?` placeholders on a separate connection; returns the rows. */
  sql<R = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<R[]>;
  dispose(): Promise<void>;
}

/** The backends every shared test runs against. */
export const BACKENDS = ['sqlite', 'postgres'] as const;

/** A fresh database: a temp SQLite file, or a fresh schema on the test PostgreSQL server. */
export async function freshDb(backend: 'sqlite' | 'postgres'): Promise<TestDb> {
  const opened: MacDispenser[] = [];
  const make =
    (db: string) =>
    (options: Omit<CreateDispenserOptions, 'db' | 'env'> = {}) => {
      const d = createDispenser({ db, env: {}, cwd: '/', user: 'tester', ...options });
      opened.push(d);
      return d;
    };
  const closeAll = () => Promise.all(opened.map((d) => d.close()));
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
    const file = path.join(dir, 'mac.db');
    let raw: Database.Database | undefined;
    return {
      backend,
      db: file,
      dispenser: make(file),
      sql: async <R>(text: string, ...params: unknown[]) => {
        raw ??= new Database(file);
        const st = raw.prepare(text);
        if (st.reader) return st.all(...params) as R[];
        st.run(...params);
        return [];
      },
      dispose: async () => {
        await closeAll();
        raw?.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = await createTestSchema();
  return {
    backend,
    db: schema.url,
    dispenser: make(schema.url),
    sql: async <R>(text: string, ...params: unknown[]) => {
      let n = 0;
      return (await schema.query(
        text.replace(/\?/g, () => `$${++n}`),
        params,
      )) as R[];
    },
    dispose: async () => {
      await closeAll();
      await schema.drop();
    },
  };
}
