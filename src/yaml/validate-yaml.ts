/**
 * A YAML file checked against a zod schema with positions: real YAML 1.2 (the `yaml` package, one
 * document, duplicate keys refused), then the schema, with every issue mapped back onto the node it
 * is about, so each one reads `FILE:LINE:COL: field: expected ..., got ...` and all of them are
 * reported at once. The same positions serve later checks (a graph, variables) through `locate`.
 */
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';

/** One problem in a YAML file, at a 1-based line and column. */
export interface YamlIssue {
  line: number;
  column: number;
  /** Dotted path of the field (`stages[2].depends[0]`); empty for the whole document. */
  path: string;
  /** What was expected and what was found. */
  message: string;
  /** `yaml:<code>` for syntax errors, the zod issue code, or the caller's own code. */
  code: string;
}

/** A path into the document, as zod reports it. */
export type YamlPath = readonly (string | number)[];

/** Finds positions in a parsed document. */
export interface YamlLocator {
  /** The position of the node at `path` (or of its deepest existing ancestor). */
  at(path: YamlPath): { line: number; column: number };
  /** The position of key `key` of the mapping at `path`. */
  key(path: YamlPath, key: string): { line: number; column: number };
  /** The position of `needle` inside the scalar at `path` (its first occurrence), else the scalar's. */
  inside(path: YamlPath, needle: string): { line: number; column: number };
}

/** The outcome of {@link validateYaml}. */
export type YamlValidation<T> =
  | { ok: true; value: T; locate: YamlLocator }
  | { ok: false; issues: YamlIssue[]; locate?: YamlLocator };

/** Options of {@link validateYaml}. */
export interface ValidateYamlOptions {
  /** Keys whose values are never quoted back in a message. */
  secretKeys?: ReadonlySet<string>;
}

/**
 * Parses `text` and validates it against `schema`. Returns the typed value with a locator, or every
 * issue (syntax or schema) sorted by position. Unknown keys are issues when the schema is strict.
 */
export function validateYaml<S extends z.ZodType>(
  text: string,
  schema: S,
  options: ValidateYamlOptions = {},
): YamlValidation<z.output<S>> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number | undefined) => {
    const p = lines.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        ...pos(e.pos[0]),
        path: '',
        message: firstLine(e.message),
        code: `yaml:${e.code}`,
      })),
    };
  }
  const locate = locator(doc, text, pos);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return {
      ok: false,
      issues: [{ line: 1, column: 1, path: '', message: firstLine(String(err)), code: 'yaml:ALIAS' }],
    };
  }
  const result = schema.safeParse(value, { error: expectedText });
  if (result.success) return { ok: true, value: result.data, locate };
  const issues = result.error.issues.flatMap((issue) => toIssues(issue, locate, value, options.secretKeys));
  return { ok: false, issues: sortIssues(issues), locate };
}

/** Sorts issues by line, then column. */
export function sortIssues(issues: YamlIssue[]): YamlIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `pipeline.yaml:4:3: stages[0].depends[0]: expected ..., got ...`. */
export function formatYamlIssue(source: string, issue: YamlIssue): string {
  return `${source}:${issue.line}:${issue.column}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}

/** `stages[2].depends[0]` from `['stages', 2, 'depends', 0]`. */
export function dottedPath(path: YamlPath): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`),
    '',
  );
}

type Doc = ReturnType<typeof parseDocument>;
type Pos = (offset: number | undefined) => { line: number; column: number };

function locator(doc: Doc, text: string, pos: Pos): YamlLocator {
  const nodeAt = (path: YamlPath): Node | undefined => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (node && typeof node === 'object' && 'range' in node) return node as Node;
    }
    return undefined;
  };
  return {
    at: (path) => pos(nodeAt(path)?.range?.[0]),
    key: (path, key) => {
      const node = nodeAt(path);
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
        if (pair && isScalar(pair.key)) return pos(pair.key.range?.[0]);
      }
      return pos(node?.range?.[0]);
    },
    inside: (path, needle) => {
      const range = nodeAt(path)?.range;
      if (!range) return pos(0);
      const found = text.slice(range[0], range[1]).indexOf(needle);
      return pos(found < 0 ? range[0] : range[0] + found);
    },
  };
}

function toIssues(
  issue: z.core.$ZodIssue,
  locate: YamlLocator,
  value: unknown,
  secretKeys: ReadonlySet<string> | undefined,
): YamlIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      ...locate.key(path, key),
      path: dottedPath([...path, key]),
      message: `unknown key '${key}' (expected ${issue.message})`,
      code: issue.code,
    }));
  }
  if (issue.code === 'invalid_key') {
    const key = String(path[path.length - 1]);
    return [
      {
        ...locate.key(path.slice(0, -1), key),
        path: dottedPath(path),
        message: `key: expected ${issue.message}, got '${key}'`,
        code: issue.code,
      },
    ];
  }
  const actual = valueAt(value, path);
  const missing = actual === undefined;
  const at = missing ? locate.at(path.slice(0, -1)) : locate.at(path);
  const found = missing ? 'nothing (missing key)' : describe(actual, path, secretKeys);
  const message = issue.code === 'custom' ? issue.message : `expected ${issue.message}, got ${found}`;
  return [{ ...at, path: dottedPath(path), message, code: issue.code }];
}

/** Parse-level error map: an "expected ..." phrase for every issue without a schema-given text. */
function expectedText(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      return TYPE_NAMES[iss.expected] ?? `a ${iss.expected}`;
    case 'too_small':
      return iss.origin === 'array' ? `at least ${iss.minimum} items` : `>= ${iss.minimum}`;
    case 'too_big':
      return iss.origin === 'array' ? `at most ${iss.maximum} items` : `<= ${iss.maximum}`;
    case 'invalid_value':
      return `one of ${iss.values.map(String).join(', ')}`;
    case 'invalid_format':
      return `a valid ${iss.format}`;
    case 'unrecognized_keys': {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod
        ?.def?.shape;
      return shape ? `one of ${Object.keys(shape).join(', ')}` : 'no other keys';
    }
    case 'invalid_key':
      return iss.issues[0]?.message ?? 'a valid key';
    default:
      return iss.message ?? iss.code ?? 'a valid value';
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

function valueAt(value: unknown, path: YamlPath): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** A found value for a message: short, quoted, and never a secret. */
function describe(value: unknown, path: YamlPath, secretKeys: ReadonlySet<string> | undefined): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (typeof last === 'string' && secretKeys?.has(last)) return 'a value (redacted)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  return String(value);
}
