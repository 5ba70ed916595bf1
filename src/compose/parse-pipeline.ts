import { sortIssues, validateYaml, type YamlIssue, type YamlLocator } from '../yaml/index.js';
import { buildGraph } from './graph.js';
import { type Pipeline, pipelineSchema } from './schema.js';

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
): { ok: true; parsed: ParsedPipeline } | { ok: false; issues: YamlIssue[] } {
  const result = validateYaml(text, pipelineSchema);
  if (!result.ok) {
    const graph = result.locate ? graphIssues(result.value, result.locate) : [];
    return { ok: false, issues: sortIssues([...result.issues, ...graph]) };
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
