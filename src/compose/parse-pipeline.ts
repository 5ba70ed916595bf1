import { validateYaml, type YamlIssue, type YamlLocator } from '../yaml/index.js';
import { type Pipeline, pipelineSchema } from './schema.js';

/** A pipeline that passed the schema, with positions for the checks that follow. */
export interface ParsedPipeline {
  pipeline: Pipeline;
  locate: YamlLocator;
}

/** Parses a pipeline text: the typed pipeline with its locator, or every syntax and schema issue. */
export function parsePipelineText(
  text: string,
): { ok: true; parsed: ParsedPipeline } | { ok: false; issues: YamlIssue[] } {
  const result = validateYaml(text, pipelineSchema);
  if (!result.ok) return { ok: false, issues: result.issues };
  return { ok: true, parsed: { pipeline: result.value, locate: result.locate } };
}
