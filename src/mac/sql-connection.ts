/**
 * The one thing the two backends do differently below the statements: how a statement is sent and
 * what types come back. Statements are written once (store-tx.ts, migrate.ts) with `?` placeholders;
 * the PostgreSQL connection numbers them (`$1`, `$2`, ...). None of our SQL has a `?` in a literal.
 */
export interface SqlConnection {
  readonly dialect: 'sqlite' | 'postgres';
  /** Rows of a query. */
  all<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement that returns no rows. */
  run(sql: string, params?: readonly unknown[]): Promise<void>;
}

/** `?` placeholders as PostgreSQL's `$1`, `$2`, ... */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Column values as one type whatever the backend returned: PostgreSQL gives BIGINT and count(*) as
 * strings, JSONB as objects and TIMESTAMPTZ as Date; SQLite gives numbers, JSON text and ISO text.
 */
export const column = {
  int(v: unknown): number {
    return typeof v === 'number' ? v : Number(v);
  },
  json(v: unknown): Record<string, unknown> | null {
    if (v === null || v === undefined) return null;
    return typeof v === 'string'
      ? (JSON.parse(v) as Record<string, unknown>)
      : (v as Record<string, unknown>);
  },
  time(v: unknown): string {
    return v instanceof Date ? v.toISOString() : String(v);
  },
  timeOrNull(v: unknown): string | null {
    return v === null || v === undefined ? null : column.time(v);
  },
};
