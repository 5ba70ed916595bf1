/**
 * zod issues mapped back onto the YAML nodes they are about, in one vocabulary for every YAML file we
 * read (node.yaml, pipelines, image definitions, fleets, components.yaml): each issue reads
 * `field: expected ..., got ...`, an unknown key `unknown key 'x' (expected one of ...)`, and a value
 * under a secret key is never quoted.
 */
import type { z } from 'zod';
import { dottedPath, type YamlIssue, type YamlLocator, type YamlPath } from './types.js';

/** Every zod issue of a failed parse as positioned issues (one per unknown key). */
export function schemaIssues(
  issues: readonly z.core.$ZodIssue[],
  locate: YamlLocator,
  value: unknown,
  secretKeys?: ReadonlySet<string>,
): YamlIssue[] {
  return issues.flatMap((issue) => toIssues(issue, locate, value, secretKeys));
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
  const at = missing ? locate.key(path.slice(0, -1), undefined) : locate.at(path);
  const found = missing ? 'nothing (missing key)' : describeValue(actual, path, secretKeys);
  // A refinement whose message already says what it expected is used as it is.
  const message =
    issue.code === 'custom' && issue.message.startsWith('expected ')
      ? issue.message
      : `expected ${issue.message}, got ${found}`;
  return [{ ...at, path: dottedPath(path), message, code: issue.code }];
}

/** Error map for `safeParse`: an "expected ..." phrase for every issue without a schema-given text. */
export function expectedText(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      return TYPE_NAMES[iss.expected] ?? `a ${iss.expected}`;
    case 'too_small':
      if (iss.origin === 'array') return `at least ${iss.minimum} items`;
      if (iss.origin === 'string')
        return Number(iss.minimum) === 1 ? 'a non-empty string' : `at least ${iss.minimum} characters`;
      return `>= ${iss.minimum}`;
    case 'too_big':
      if (iss.origin === 'array') return `at most ${iss.maximum} items`;
      if (iss.origin === 'string') return `at most ${iss.maximum} characters`;
      return `<= ${iss.maximum}`;
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
    case 'invalid_union':
      return 'note' in iss && iss.note === 'No matching discriminator'
        ? `one of ${(iss.options as unknown[] | undefined)?.map(String).join(', ') ?? 'the known values'}`
        : (iss.message ?? 'a valid value');
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
  record: 'a mapping',
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

/** A found value for a message: short, quoted, and never a secret. */
export function describeValue(value: unknown, path: YamlPath = [], secretKeys?: ReadonlySet<string>): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (typeof last === 'string' && secretKeys?.has(last)) return 'a value (redacted)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  return String(value);
}
