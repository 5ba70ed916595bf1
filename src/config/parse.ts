/**
 * Validation of node.yaml with positions: real YAML 1.2 (the `yaml` package; `yes` is a string, not a
 * boolean), then the zod schema, with every zod issue mapped back to the YAML node it is about so
 * each error carries line:column, the dotted field path and what was expected.
 */
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { describeContent, isBinaryText, isMapping } from './describe-content.js';
import { type NodeConfig, nodeConfigSchema, SECRET_KEYS } from './schema.js';

/** One problem in a config file, at a 1-based line and column. */
export interface ConfigIssue {
  line: number;
  column: number;
  /** Dotted path of the field, `network.mtu`, `network.dns[1]`; empty for the whole document. */
  path: string;
  /** What was expected and what was found: `expected an integer MTU 1280-9000, got 100`. */
  message: string;
  /** `yaml` for syntax errors (with the yaml package's code), else the zod issue code. */
  code: string;
}

/** The outcome of {@link validateNodeConfig}. */
export type ValidationResult = { ok: true; value: NodeConfig } | { ok: false; errors: ConfigIssue[] };

/** A YAML text parsed with positions, or its syntax errors. */
export type ParsedYaml =
  | { ok: true; value: unknown; doc: ReturnType<typeof parseDocument>; lines: LineCounter }
  | { ok: false; errors: ConfigIssue[] };

type Path = (string | number)[];

/**
 * Parses YAML text (one document; duplicate keys refused; at most 100 alias expansions). Returns the
 * value with its document for positions, or every syntax error with its position.
 */
export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return {
          line: pos.line,
          column: pos.col,
          path: '',
          message: firstLine(e.message),
          code: `yaml:${e.code}`,
        };
      }),
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }), doc, lines };
  } catch (err) {
    return {
      ok: false,
      errors: [{ line: 1, column: 1, path: '', message: firstLine(String(err)), code: 'yaml:ALIAS' }],
    };
  }
}

function notMapping(text: string, value: unknown, size: number | undefined): ValidationResult {
  const found = describeContent(text, value, size);
  return {
    ok: false,
    errors: [
      {
        line: 1,
        column: 1,
        path: '',
        message: `expected a mapping (a node configuration), found ${found}`,
        code: 'not_a_mapping',
      },
    ],
  };
}

/**
 * Validates a node.yaml text against the schema. Returns the value (defaults applied) or every error,
 * each with line:column, field path and what was expected, in file order. Unknown keys are errors.
 * `source` is only for the caller's messages (see {@link formatIssue}); the text is all that is read.
 * Input that is not a mapping is described (`size`: its bytes on disk), never quoted: it may be a key.
 */
export function validateNodeConfig(text: string, source: string, size?: number): ValidationResult {
  void source;
  // A pure function of the text (and size): a fleet validates each node's text twice, when its
  // segment is made and when the node image is verified. A copy goes out, so callers may change it.
  const key = `${size ?? ''}\0${text}`;
  const known = recent.get(key);
  if (known) return structuredClone(known);
  const result = validate(text, size);
  if (recent.size >= RECENT) recent.delete(recent.keys().next().value as string);
  recent.set(key, structuredClone(result));
  return result;
}

/** How many recent validations {@link validateNodeConfig} remembers. */
const RECENT = 8;
const recent = new Map<string, ValidationResult>();

function validate(text: string, size: number | undefined): ValidationResult {
  // Binary data (a key, an image) is described, never parsed: YAML's errors would quote it.
  if (isBinaryText(text)) return notMapping(text, undefined, size);
  const parsed = parseYaml(text);
  if (!parsed.ok) return parsed;
  // Not a mapping (a key's base64 line, a list...): say what it is, never echo it (it may be a secret).
  if (!isMapping(parsed.value)) return notMapping(text, parsed.value, size);
  const result = nodeConfigSchema.safeParse(parsed.value, { error: expectedText });
  if (result.success) return { ok: true, value: result.data };
  const errors = result.error.issues.flatMap((issue) =>
    toConfigIssues(issue, parsed.doc, parsed.lines, parsed.value),
  );
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, errors };
}

/** `node.yaml:4:3: network.mtu: expected an integer MTU 1280-9000, got 100`. */
export function formatIssue(source: string, issue: ConfigIssue): string {
  return `${source}:${issue.line}:${issue.column}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** Parse-level error map: turns every issue without a schema-given text into an "expected ..." phrase. */
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
      return shape ? `only the keys ${Object.keys(shape).join(', ')}` : 'no other keys';
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

function toConfigIssues(
  issue: z.core.$ZodIssue,
  doc: ParsedDoc,
  lines: LineCounter,
  value: unknown,
): ConfigIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const at = keyPosition(doc, path, key, lines);
      return {
        ...at,
        path: dotted([...path, key]),
        message: `unknown key (expected ${issue.message})`,
        code: issue.code,
      };
    });
  }
  if (issue.code === 'invalid_key') {
    const key = String(path[path.length - 1]);
    const at = keyPosition(doc, path.slice(0, -1), key, lines);
    return [
      {
        ...at,
        path: dotted(path),
        message: `key: expected ${issue.message}, got '${key}'`,
        code: issue.code,
      },
    ];
  }
  const actual = valueAt(value, path);
  const missing = actual === undefined;
  const at = missing ? keyPosition(doc, path.slice(0, -1), undefined, lines) : nodePosition(doc, path, lines);
  const found = missing ? 'nothing (missing key)' : describe(actual, path);
  return [
    { ...at, path: dotted(path), message: `expected ${issue.message}, got ${found}`, code: issue.code },
  ];
}

type ParsedDoc = ReturnType<typeof parseDocument>;

function position(offset: number | undefined, lines: LineCounter): { line: number; column: number } {
  const pos = lines.linePos(offset ?? 0);
  return { line: pos.line, column: pos.col };
}

/** The node at `path`, or the deepest existing ancestor. */
function nodeAt(doc: ParsedDoc, path: Path): Node | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (node && typeof node === 'object' && 'range' in node) return node as Node;
  }
  return undefined;
}

function nodePosition(doc: ParsedDoc, path: Path, lines: LineCounter) {
  return position(nodeAt(doc, path)?.range?.[0], lines);
}

/** The key `key` of the mapping at `path` (or the mapping itself when the key is absent). */
function keyPosition(doc: ParsedDoc, path: Path, key: string | undefined, lines: LineCounter) {
  const node = nodeAt(doc, path);
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
    if (pair && isScalar(pair.key)) return position(pair.key.range?.[0], lines);
  }
  return position(node?.range?.[0], lines);
}

function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function dotted(path: Path): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`),
    '',
  );
}

/** A found value for a message: short, quoted, and never a secret. */
function describe(value: unknown, path: Path): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (typeof last === 'string' && SECRET_KEYS.has(last)) return 'a value (redacted)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  return String(value);
}
