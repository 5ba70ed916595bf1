import { type Document, isMap, parseDocument } from 'yaml';
import { InputError } from '../errors/index.js';
import { formatYamlIssue, parseYaml } from '../yaml/index.js';
import { type ValidationResult, validateNodeConfig } from './parse.js';

/** A YAML text and the name it goes by in messages. */
export interface ConfigText {
  text: string;
  source: string;
}

/** What {@link mergeConfigs} produced. */
export interface MergeResult {
  /** The merged YAML; the base's comments and key order are kept. */
  text: string;
  /** The merged config validated (positions refer to `text`). */
  validation: ValidationResult;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value with every `null` member removed (RFC 7386: null in a patch means "remove"). */
function withoutNulls(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== null)
      .map(([k, x]) => [k, withoutNulls(x)]),
  );
}

function apply(doc: Document, path: string[], patch: unknown): void {
  const target = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isPlainObject(patch) || !isMap(target)) {
    if (path.length === 0) doc.contents = doc.createNode(withoutNulls(patch)) as Document['contents'];
    else doc.setIn(path, withoutNulls(patch));
    return;
  }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) target.delete(key);
    else apply(doc, [...path, key], value);
  }
}

/**
 * Deep-merges override configs onto a base, in order, with JSON Merge Patch rules (RFC 7386):
 * mappings merge key by key, lists and scalars are replaced whole, `null` removes a key. Returns the
 * merged text and its validation (the caller decides what an invalid result means).
 *
 * Refuses CONFIG_YAML (exit 2) when an input is not valid YAML, naming file:line:column, and
 * CONFIG_OVERRIDE_NOT_MAPPING when an override is not a mapping.
 */
export function mergeConfigs(base: ConfigText, overrides: readonly ConfigText[]): MergeResult {
  const check = (input: ConfigText): unknown => {
    const parsed = parseYaml(input.text);
    if (!parsed.ok) {
      const first = parsed.issues[0]!;
      throw new InputError('CONFIG_YAML', formatYamlIssue(input.source, first), {
        path: input.source,
        errors: parsed.issues,
      });
    }
    return parsed.value;
  };
  check(base);
  const doc = parseDocument(base.text);
  for (const override of overrides) {
    const patch = check(override);
    if (patch === null) continue;
    if (!isPlainObject(patch)) {
      throw new InputError(
        'CONFIG_OVERRIDE_NOT_MAPPING',
        `${override.source}: expected a mapping at the top, got a ${Array.isArray(patch) ? 'list' : 'scalar'}`,
        {
          path: override.source,
        },
      );
    }
    apply(doc, [], patch);
  }
  const text = doc.toString();
  return { text, validation: validateNodeConfig(text) };
}
