/**
 * Everything that is checked before a pipeline runs, all problems at once with positions: the
 * schema, the graph, tools, command words, `${VAR}` references, conditions, captures, and the rule of
 * the design that no image goes unverified.
 */
import { dirname, resolve } from 'node:path';
import { sortIssues, type YamlIssue, type YamlPath } from '../yaml/index.js';
import { describeStage, type PipelineStage, type Push } from './describe-stage.js';
import { PipelineInvalidError } from './errors.js';
import { buildGraph } from './graph.js';
import { parsePipelineText } from './parse-pipeline.js';
import { checkInputsOutputs, checkReferences, checkRunnable, checkVerification } from './pipeline-checks.js';
import type { Pipeline } from './schema.js';

export type { PipelineStage } from './describe-stage.js';

/** A pipeline that passed every check. */
export interface ValidatedPipeline {
  /** The file, as given, for messages. */
  source: string;
  /** Its directory (absolute): stages run there, `.rock/` lives there. */
  dir: string;
  name: string;
  description?: string;
  stages: PipelineStage[];
  byName: ReadonlyMap<string, PipelineStage>;
  /** Stage names in an order that respects depends. */
  order: string[];
  /** Values known before the run: `variables:`, `--var`, and the environment variables named in `env:`. */
  variables: ReadonlyMap<string, string>;
  /** Which stage captures which variable. */
  capturedBy: ReadonlyMap<string, string>;
  /** Variables whose values must never be shown. */
  secrets: ReadonlySet<string>;
}

/** Options of {@link validatePipeline}. */
export interface ValidatePipelineOptions {
  /** The file, for messages and for the pipeline's directory. */
  source: string;
  cwd: string;
  /** `--var K=V`, overriding `variables:`. */
  vars?: Readonly<Record<string, string>>;
  /** The environment the pipeline's `env:` names are read from. */
  env: Readonly<NodeJS.ProcessEnv>;
}

/** Validates a pipeline text. Throws {@link PipelineInvalidError} (exit 2) with every issue. */
export function validatePipeline(text: string, options: ValidatePipelineOptions): ValidatedPipeline {
  const parsed = parsePipelineText(text, options.vars);
  if (!parsed.ok) throw new PipelineInvalidError(options.source, parsed.issues);
  const { pipeline, locate } = parsed.parsed;
  const issues: YamlIssue[] = [];
  const push = (path: YamlPath, message: string, code: string, at = locate.at(path)) =>
    issues.push({ ...at, path: dotted(path), message, code });

  const { graph, issues: graphIssues } = buildGraph(pipeline.stages, locate);
  issues.push(...graphIssues);

  const variables = staticVariables(pipeline, options, push);
  const capturedBy = new Map<string, string>();
  const secrets = new Set<string>();
  const stages: PipelineStage[] = pipeline.stages.map((spec, index) => {
    const stage = describeStage(spec, index, locate, push);
    if (stage.capture) {
      const v = stage.capture.var;
      const path = ['stages', index, 'capture'];
      if (variables.has(v))
        push(
          path,
          `expected a new variable name, got '${v}', already set by variables:, --var or env:`,
          'capture_conflict',
        );
      else if (capturedBy.has(v))
        push(
          path,
          `expected a new variable name, got '${v}', already captured by stage '${capturedBy.get(v)}'`,
          'capture_conflict',
        );
      else capturedBy.set(v, spec.name);
      if (stage.capture.secret) secrets.add(v);
    }
    return stage;
  });

  if (graph) {
    for (const stage of stages) stage.ancestors = graph.ancestors.get(stage.name) ?? new Set();
    const known = new Set([...variables.keys(), ...(pipeline.env ?? [])]);
    checkReferences(stages, known, capturedBy, locate, push);
    checkRunnable(stages, variables, capturedBy, locate, push);
    checkVerification(stages, push);
    checkInputsOutputs(stages, push);
  }
  if (issues.length > 0) throw new PipelineInvalidError(options.source, sortIssues(issues));
  const file = resolve(options.cwd, options.source);
  return {
    source: options.source,
    dir: dirname(file),
    name: pipeline.name ?? file.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
    ...(pipeline.description === undefined ? {} : { description: pipeline.description }),
    stages,
    byName: new Map(stages.map((s) => [s.name, s])),
    order: graph?.order ?? [],
    variables,
    capturedBy,
    secrets,
  };
}

function dotted(path: YamlPath): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`),
    '',
  );
}

function staticVariables(
  pipeline: Pipeline,
  options: ValidatePipelineOptions,
  push: Push,
): Map<string, string> {
  const values = new Map<string, string>(Object.entries(pipeline.variables ?? {}));
  (pipeline.env ?? []).forEach((name, i) => {
    const value = options.env[name];
    if (value === undefined)
      push(
        ['env', i],
        `expected environment variable ${name} to be set, got nothing (unset is not empty)`,
        'env_unset',
      );
    else if (values.has(name))
      push(['env', i], `expected a name not also in variables:, got '${name}'`, 'env_conflict');
    else values.set(name, value);
  });
  for (const [k, v] of Object.entries(options.vars ?? {})) values.set(k, v);
  return values;
}
