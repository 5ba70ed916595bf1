/**
 * zod issues mapped onto the YAML nodes they are about, so every manifest error carries line:column
 * and the dotted field path: `components.yaml:7:5: components[1].builder: expected ..., got 'ninja'`.
 */
import { isMap, isPair, isScalar, type LineCounter, type Node, type parseDocument } from 'yaml';
import type { z } from 'zod';
import type { ConfigIssue } from '../config/index.js';

type Doc = ReturnType<typeof parseDocument>;
export type Path = readonly (string | number)[];

/** Positions inside one parsed YAML document. */
export class YamlPositions {
  constructor(
    private readonly doc: Doc,
    private readonly lines: LineCounter,
  ) {}

  /** Where the value at `path` starts (or its deepest existing ancestor). */
  ofValue(path: Path): { line: number; column: number } {
    return this.at(this.nodeAt(path)?.range?.[0]);
  }

  /** Where the key `key` of the mapping at `path` is (the mapping itself when the key is absent). */
  ofKey(path: Path, key: string | undefined): { line: number; column: number } {
    const node = this.nodeAt(path);
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      if (pair && isScalar(pair.key)) return this.at(pair.key.range?.[0]);
    }
    return this.at(node?.range?.[0]);
  }

  /** An issue at the value of `path`. */
  issue(path: Path, message: string, code: string): ConfigIssue {
    return { ...this.ofValue(path), path: dotted(path), message, code };
  }

  private nodeAt(path: Path): Node | undefined {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (node && typeof node === 'object' && 'range' in node) return node as Node;
    }
    return undefined;
  }

  private at(offset: number | undefined): { line: number; column: number } {
    const pos = this.lines.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  }
}

/** `components[1].builder`. */
export function dotted(path: Path): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`),
    '',
  );
}

/** Error map for safeParse: every issue without a schema-given text becomes an "expected" phrase. */
export function expectedText(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      return TYPE_NAMES[iss.expected] ?? `a ${iss.expected}`;
    case 'too_small':
      return iss.origin === 'array' ? `at least ${iss.minimum} items` : 'a non-empty value';
    case 'invalid_value':
      return `one of ${iss.values.map(String).join(', ')}`;
    case 'unrecognized_keys': {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod
        ?.def?.shape;
      return shape ? `only the keys ${Object.keys(shape).join(', ')}` : 'no other keys';
    }
    case 'invalid_union':
      return 'note' in iss && iss.note === 'No matching discriminator'
        ? `one of ${(iss.options as unknown[] | undefined)?.map(String).join(', ') ?? 'the known values'}`
        : 'a valid value';
    default:
      return iss.message ?? 'a valid value';
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/** One zod issue as positioned issues (an unknown-keys issue gives one per key). */
export function positionIssues(issue: z.core.$ZodIssue, at: YamlPositions, value: unknown): ConfigIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      ...at.ofKey(path, key),
      path: dotted([...path, key]),
      message: `unknown key (expected ${issue.message})`,
      code: issue.code,
    }));
  }
  const actual = valueAt(value, path);
  const missing = actual === undefined;
  const pos = missing ? at.ofKey(path.slice(0, -1), undefined) : at.ofValue(path);
  const found = missing ? 'nothing (missing key)' : describe(actual);
  return [
    { ...pos, path: dotted(path), message: `expected ${issue.message}, got ${found}`, code: issue.code },
  ];
}

function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** A found value for a message: short and quoted. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  return String(value);
}
