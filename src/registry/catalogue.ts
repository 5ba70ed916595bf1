import type Database from 'better-sqlite3';
import { CheckError, InputError } from '../errors/index.js';
import { findCycle } from './deps.js';
import {
  type Component,
  type ComponentId,
  type ComponentRole,
  type ComponentType,
  formatId,
} from './types.js';

interface ComponentRow {
  name: string;
  version: string;
  type: ComponentType;
  digest: string;
  size: number;
  file: string;
  role: ComponentRole | null;
  metadata: string;
}

/**
 * The catalogue of components in SQLite: one row per `name@version` (immutable once added: the
 * same version with other bytes is refused), its dependencies and tags. Sorted output everywhere.
 */
export class Catalogue {
  constructor(private readonly db: Database.Database) {}

  close(): void {
    this.db.close();
  }

  private toComponent(row: ComponentRow): Component {
    const key = { name: row.name, version: row.version };
    const dependencies = this.db
      .prepare(
        'SELECT dep_name AS name, dep_version AS version FROM dependencies WHERE name = ? AND version = ? ORDER BY dep_name, dep_version',
      )
      .all(row.name, row.version) as ComponentId[];
    const tags = (
      this.db
        .prepare('SELECT tag FROM tags WHERE name = ? AND version = ? ORDER BY tag')
        .all(row.name, row.version) as {
        tag: string;
      }[]
    ).map((t) => t.tag);
    const c: Component = {
      ...key,
      type: row.type,
      digest: row.digest,
      size: row.size,
      file: row.file,
      dependencies,
      tags,
      metadata: JSON.parse(row.metadata) as Record<string, string>,
    };
    if (row.role !== null) c.role = row.role;
    return c;
  }

  /** The component, or undefined. */
  find(id: ComponentId): Component | undefined {
    const row = this.db
      .prepare('SELECT * FROM components WHERE name = ? AND version = ?')
      .get(id.name, id.version) as ComponentRow | undefined;
    return row ? this.toComponent(row) : undefined;
  }

  /** The component; REGISTRY_NOT_FOUND (exit 2) when it is not catalogued. */
  get(id: ComponentId): Component {
    const c = this.find(id);
    if (!c) {
      throw new InputError('REGISTRY_NOT_FOUND', `${formatId(id)}: not in the registry`, {
        component: formatId(id),
      });
    }
    return c;
  }

  /** Every component, by name then version. */
  list(): Component[] {
    const rows = this.db.prepare('SELECT * FROM components ORDER BY name, version').all() as ComponentRow[];
    return rows.map((r) => this.toComponent(r));
  }

  /** Components whose name, version, role, type, tag, file, digest or metadata contains `text` (case-insensitive). */
  search(text: string): Component[] {
    const needle = text.toLowerCase();
    return this.list().filter((c) =>
      [
        c.name,
        c.version,
        c.type,
        c.role ?? '',
        c.file,
        c.digest,
        ...c.tags,
        ...Object.entries(c.metadata).flat(),
      ].some((v) => v.toLowerCase().includes(needle)),
    );
  }

  /**
   * Adds a component. Adding the same `name@version` with the same digest again merges its tags and
   * metadata (idempotent); other bytes are refused (REGISTRY_VERSION_EXISTS, exit 1), as is a
   * dependency that would close a cycle (REGISTRY_DEPENDENCY_CYCLE, naming it). Returns the stored row.
   */
  add(component: Component): Component {
    return this.db
      .transaction(() => {
        const existing = this.find(component);
        if (existing && existing.digest !== component.digest) {
          throw new CheckError(
            'REGISTRY_VERSION_EXISTS',
            `${formatId(component)}: already in the registry with digest ${existing.digest}, got ${component.digest} (a version is immutable)`,
            { component: formatId(component), expected: existing.digest, actual: component.digest },
          );
        }
        if (!existing) {
          this.db
            .prepare(
              'INSERT INTO components (name, version, type, digest, size, file, role, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            )
            .run(
              component.name,
              component.version,
              component.type,
              component.digest,
              component.size,
              component.file,
              component.role ?? null,
              JSON.stringify(sortedRecord(component.metadata)),
            );
        } else {
          const metadata = { ...existing.metadata, ...component.metadata };
          this.db
            .prepare('UPDATE components SET metadata = ? WHERE name = ? AND version = ?')
            .run(JSON.stringify(sortedRecord(metadata)), component.name, component.version);
        }
        const addDep = this.db.prepare('INSERT OR IGNORE INTO dependencies VALUES (?, ?, ?, ?)');
        for (const d of component.dependencies)
          addDep.run(component.name, component.version, d.name, d.version);
        const addTag = this.db.prepare('INSERT OR IGNORE INTO tags VALUES (?, ?, ?)');
        for (const t of component.tags) addTag.run(component.name, component.version, t);
        const cycle = findCycle(component, (id) => this.find(id)?.dependencies);
        if (cycle) throw cycleError(cycle);
        return this.get(component);
      })
      .immediate();
  }

  /** Adds several components in one transaction: all of them or, on the first refusal, none. */
  addAll(components: readonly Component[]): Component[] {
    return this.db.transaction(() => components.map((c) => this.add(c))).immediate();
  }

  /**
   * Removes a component (its bytes stay in the cache until pruned). Refuses one that others depend on
   * (REGISTRY_IN_USE, naming them, exit 2). Returns the removed row.
   */
  remove(id: ComponentId): Component {
    return this.db
      .transaction(() => {
        const c = this.get(id);
        const users = this.db
          .prepare(
            'SELECT name, version FROM dependencies WHERE dep_name = ? AND dep_version = ? ORDER BY name, version',
          )
          .all(id.name, id.version) as ComponentId[];
        if (users.length > 0) {
          throw new InputError(
            'REGISTRY_IN_USE',
            `${formatId(id)}: needed by ${users.map(formatId).join(', ')}; remove those first`,
            { component: formatId(id), users: users.map(formatId) },
          );
        }
        this.db.prepare('DELETE FROM components WHERE name = ? AND version = ?').run(id.name, id.version);
        return c;
      })
      .immediate();
  }
}

/** The error for a dependency cycle: `a@1 -> b@1 -> a@1`. */
export function cycleError(cycle: ComponentId[]): CheckError {
  const text = cycle.map(formatId).join(' -> ');
  return new CheckError('REGISTRY_DEPENDENCY_CYCLE', `dependencies: cycle ${text}`, {
    cycle: cycle.map(formatId),
  });
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as string;
  return out;
}
