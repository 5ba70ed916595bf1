import { dottedPath, sortIssues, validateYaml, type YamlIssue, type YamlLocator } from '../yaml/index.js';
import { type Push, stageTexts } from './describe-stage.js';
import { buildGraph } from './graph.js';
import { type Pipeline, pipelineSchema, stageSchema } from './schema.js';
import { findRefs } from './variables.js';

/** A pipeline that passed the schema, with positions for the checks that follow. */
export interface ParsedPipeline {
  pipeline: Pipeline;
  locate: YamlLocator;
}

/**
 * Parses a pipeline text: the typed pipeline with its locator, or every syntax and schema issue.
 * When only the schema failed, the graph's own problems (duplicate names, unknown depends, cycles)
 * are found too, from whatever names and depends the stages have, so one pass reports them all.
 */
export function parsePipelineText(
  text: string,
  vars: Readonly<Record<string, string>> = {},
): { ok: true; parsed: ParsedPipeline } | { ok: false; issues: YamlIssue[] } {
  const result = validateYaml(text, pipelineSchema);
  if (!result.ok) {
    const more = result.locate
      ? [...graphIssues(result.value, result.locate), ...referenceIssues(result.value, result.locate, vars)]
      : [];
    return { ok: false, issues: sortIssues([...result.issues, ...more]) };
  }
  return { ok: true, parsed: { pipeline: result.value, locate: result.locate } };
}

/** The graph problems of stages that may not have passed the schema (a stage without a name is left out). */
function graphIssues(value: unknown, locate: YamlLocator): YamlIssue[] {
  const stages = (value as { stages?: unknown } | null)?.stages;
  if (!Array.isArray(stages)) return [];
  const shaped = stages.map((s: unknown) => {
    const rec = (s ?? {}) as { name?: unknown; depends?: unknown };
    const name = typeof rec.name === 'string' ? rec.name : undefined;
    const depends = Array.isArray(rec.depends)
      ? rec.depends.filter((d): d is string => typeof d === 'string')
      : [];
    return { name, depends };
  });
  return buildGraph(shaped, locate).issues;
}

/**
 * Undefined `${NAME}` references in the stages that passed the schema themselves, against every name
 * the file could define (variables, env, any stage's capture) and `--var`. Whether a capture comes
 * from a stage the user depends on is checked once the whole file is valid.
 */
function referenceIssues(
  value: unknown,
  locate: YamlLocator,
  vars: Readonly<Record<string, string>>,
): YamlIssue[] {
  const raw = (value ?? {}) as { variables?: unknown; env?: unknown; stages?: unknown };
  if (!Array.isArray(raw.stages)) return [];
  const known = new Set(Object.keys(vars));
  if (raw.variables && typeof raw.variables === 'object')
    for (const k of Object.keys(raw.variables)) known.add(k);
  if (Array.isArray(raw.env)) for (const e of raw.env) if (typeof e === 'string') known.add(e);
  for (const s of raw.stages as { capture?: unknown }[]) {
    const c = s?.capture;
    if (typeof c === 'string') known.add(c);
    else if (c && typeof c === 'object' && typeof (c as { var?: unknown }).var === 'string')
      known.add((c as { var: string }).var);
  }
  const issues: YamlIssue[] = [];
  const push: Push = (path, message, code, at = locate.at(path)) =>
    issues.push({ ...at, path: dottedPath(path), message, code });
  raw.stages.forEach((s: unknown, i) => {
    const stage = stageSchema.safeParse(s);
    if (!stage.success) return;
    for (const { path, text } of stageTexts(stage.data, i)) {
      for (const ref of findRefs(text)) {
        if (!ref.valid || known.has(ref.name)) continue;
        push(
          path,
          `expected a defined variable (variables:, --var, env: or a capture), got undefined ${ref.text}`,
          'undefined_variable',
          locate.inside(path, ref.text),
        );
      }
    }
  });
  return issues;
}
