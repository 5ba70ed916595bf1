/**
 * A YAML file checked against a zod schema with positions: real YAML 1.2, then the schema, with every
 * issue mapped back onto the node it is about, so each one reads `FILE:LINE:COL: field: expected ...,
 * got ...` and all of them are reported at once. The same positions serve later checks (a graph,
 * variables, names across entries) through `locate`.
 */
import type { z } from 'zod';
import { type ParsedYaml, parseYaml } from './parse-yaml.js';
import { expectedText, schemaIssues } from './schema-issues.js';
import { sortIssues, type YamlIssue, type YamlLocator } from './types.js';

/** The outcome of {@link validateYaml}. */
export type YamlValidation<T> =
  | { ok: true; value: T; locate: YamlLocator }
  | { ok: false; issues: YamlIssue[]; locate?: YamlLocator; value?: unknown };

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
  return validateParsed(parseYaml(text), schema, options);
}

/** {@link validateYaml} for a text already parsed (the caller looked at its shape first). */
export function validateParsed<S extends z.ZodType>(
  parsed: ParsedYaml,
  schema: S,
  options: ValidateYamlOptions = {},
): YamlValidation<z.output<S>> {
  if (!parsed.ok) return parsed;
  const { value, locate } = parsed;
  const result = schema.safeParse(value, { error: expectedText });
  if (result.success) return { ok: true, value: result.data, locate };
  const issues = schemaIssues(result.error.issues, locate, value, options.secretKeys);
  return { ok: false, issues: sortIssues(issues), locate, value };
}
