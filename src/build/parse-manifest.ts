/**
 * Reading `components.yaml`: YAML 1.2 with positions, the zod schema, then the checks across
 * components (unique names and roles, a role or an install path, known depends, no cycles). Every
 * problem is reported at once, each with line:column.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors/index.js';
import { withFsError } from '../util/fs-errors.js';
import {
  formatYamlIssue,
  parseYaml,
  sortIssues,
  validateParsed,
  type YamlIssue,
  type YamlLocator,
} from '../yaml/index.js';
import { type Component, type Manifest, manifestSchema } from './manifest-schema.js';

/** The outcome of {@link validateManifest}. */
export type ManifestValidation = { ok: true; value: Manifest } | { ok: false; errors: YamlIssue[] };

/** Validates a manifest text: every error with line:column, in file order. */
export function validateManifest(text: string): ManifestValidation {
  const result = validateParsed(parseYaml(text), manifestSchema);
  if (!result.ok) return { ok: false, errors: result.issues };
  const errors = crossChecks(result.value, result.locate);
  return errors.length > 0 ? { ok: false, errors: sortIssues(errors) } : { ok: true, value: result.value };
}

function crossChecks(manifest: Manifest, at: YamlLocator): YamlIssue[] {
  const errors: YamlIssue[] = [];
  const names = new Map<string, number>();
  const roles = new Map<string, string>();
  manifest.components.forEach((c, i) => {
    const first = names.get(c.name);
    if (first !== undefined) {
      errors.push(
        at.issue(
          ['components', i, 'name'],
          `expected a unique name, got '${c.name}' again (components[${first}])`,
          'duplicate',
        ),
      );
    } else names.set(c.name, i);
    if ((c.role === undefined) === (c.install === undefined)) {
      const found = c.role === undefined ? 'neither' : 'both';
      errors.push(at.issue(['components', i], `expected either role or install, got ${found}`, 'role'));
    }
    if (c.role !== undefined) {
      const holder = roles.get(c.role);
      if (holder !== undefined) {
        errors.push(
          at.issue(
            ['components', i, 'role'],
            `expected each role once, got '${c.role}' again (${holder})`,
            'duplicate',
          ),
        );
      } else roles.set(c.role, c.name);
    }
  });
  manifest.components.forEach((c, i) => {
    c.depends.forEach((d, j) => {
      if (d === c.name || !names.has(d)) {
        const why = d === c.name ? 'itself' : `'${d}'`;
        errors.push(
          at.issue(
            ['components', i, 'depends', j],
            `expected the name of another component, got ${why}`,
            'depends',
          ),
        );
      }
    });
  });
  if (errors.length === 0) {
    const cycle = findCycle(manifest.components);
    if (cycle) {
      const i = manifest.components.findIndex((c) => c.name === cycle[0]);
      errors.push(
        at.issue(['components', i, 'depends'], `expected no cycle, got ${cycle.join(' -> ')}`, 'cycle'),
      );
    }
  }
  return errors;
}

/** A dependency cycle as names (first repeated last), or undefined. */
function findCycle(components: readonly Component[]): string[] | undefined {
  const byName = new Map(components.map((c) => [c.name, c]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of byName.get(name)?.depends ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const c of components) {
    const found = visit(c.name);
    if (found) return found;
  }
  return undefined;
}

/** A manifest read from disk, with its paths resolved. */
export interface LoadedManifest {
  /** The manifest file, absolute. */
  file: string;
  /** The directory sources and inputs are relative to. */
  dir: string;
  /** The output directory, absolute. */
  outputDir: string;
  components: Component[];
}

/** The manifest's default output directory, relative to the manifest. */
export const DEFAULT_OUTPUT_DIR = 'build/components';

/**
 * Reads and validates a manifest. Throws InputError MANIFEST_INVALID (exit 2) carrying every issue
 * in `data.errors` (each already formatted `FILE:LINE:COL: path: message` in `data.lines`), or an
 * fs error naming the file.
 */
export function loadManifest(file: string, outputDir?: string): LoadedManifest {
  const text = withFsError(file, 'cannot read', () => readFileSync(file, 'utf8'), 'MANIFEST_UNREADABLE');
  const result = validateManifest(text);
  if (!result.ok) {
    const lines = result.errors.map((e) => formatYamlIssue(file, e));
    const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : '';
    throw new InputError('MANIFEST_INVALID', `${lines[0]}${more}`, { file, errors: result.errors, lines });
  }
  const dir = dirname(resolve(file));
  return {
    file: resolve(file),
    dir,
    outputDir: resolve(dir, outputDir ?? result.value.output_dir ?? DEFAULT_OUTPUT_DIR),
    components: result.value.components,
  };
}
