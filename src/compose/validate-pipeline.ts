/**
 * Everything that is checked before a pipeline runs, all problems at once with positions: the
 * schema, the graph, tools, command words, `${VAR}` references, conditions, captures, and the rule of
 * the design that no image goes unverified.
 */
import { dirname, resolve } from 'node:path';
import { sortIssues, type YamlIssue, type YamlLocator, type YamlPath } from '../yaml/index.js';
import { PipelineInvalidError } from './errors.js';
import { buildGraph } from './graph.js';
import { parsePipelineText } from './parse-pipeline.js';
import type { Pipeline, Stage } from './schema.js';
import { splitWords } from './shell-words.js';
import { availableTools, toolScript, verifiesImage, writesImage } from './tools.js';
import { findRefs } from './variables.js';
import { type Condition, evaluateCondition, parseCondition } from './when.js';

/** A stage ready for the runner: its definition plus what validation learnt about it. */
export interface PipelineStage {
  index: number;
  name: string;
  spec: Stage;
  depends: string[];
  /** Every stage it depends on, directly or not. */
  ancestors: ReadonlySet<string>;
  /** The suite tool it runs (`tool:`, or a `command:` whose first word is one). */
  tool?: string;
  /** The tool's arguments, or the command's words, before expansion. */
  words: string[];
  /** Variables it uses (`${NAME}` anywhere in its definition). */
  uses: ReadonlySet<string>;
  capture?: { var: string; pattern?: RegExp; secret: boolean };
  when?: Condition;
  writesImage: boolean;
  verifiesImage: boolean;
}

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
  const parsed = parsePipelineText(text);
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

type Push = (path: YamlPath, message: string, code: string, at?: { line: number; column: number }) => void;

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

/** The texts of a stage that may hold `${VAR}`, with their paths. */
function stageTexts(spec: Stage, index: number): { path: YamlPath; text: string }[] {
  const at = (...p: (string | number)[]): YamlPath => ['stages', index, ...p];
  const texts: { path: YamlPath; text: string }[] = [];
  if (spec.command !== undefined) texts.push({ path: at('command'), text: spec.command });
  const list = (key: 'args' | 'inputs' | 'outputs') => {
    for (const [i, text] of (spec[key] ?? []).entries()) texts.push({ path: at(key, i), text });
  };
  list('args');
  for (const [k, v] of Object.entries(spec.env ?? {})) texts.push({ path: at('env', k), text: v });
  if (spec.workdir !== undefined) texts.push({ path: at('workdir'), text: spec.workdir });
  list('inputs');
  list('outputs');
  if (spec.when !== undefined) texts.push({ path: at('when'), text: spec.when });
  return texts;
}

function describeStage(spec: Stage, index: number, locate: YamlLocator, push: Push): PipelineStage {
  let tool: string | undefined;
  let words: string[] = [];
  if (spec.tool !== undefined) {
    tool = spec.tool;
    words = spec.args ?? [];
    if (toolScript(spec.tool) === undefined) {
      push(
        ['stages', index, 'tool'],
        `expected a tool of this suite (${availableTools().join(', ')}), got '${spec.tool}'`,
        'unknown_tool',
      );
    }
  } else if (spec.command !== undefined && spec.shell !== true) {
    const split = splitWords(spec.command);
    if (!split.ok) push(['stages', index, 'command'], split.message, 'bad_command');
    else {
      const [first, ...rest] = split.words;
      if (first !== undefined && /^rock-[a-z]+$/.test(first) && toolScript(first) !== undefined) {
        tool = first;
        words = rest;
      } else words = split.words;
    }
  } else if (spec.command !== undefined) words = [spec.command];

  const uses = new Set<string>();
  for (const { path, text } of stageTexts(spec, index)) {
    for (const ref of findRefs(text)) {
      if (ref.valid) uses.add(ref.name);
      else
        push(
          path,
          `expected \${NAME} with a variable name, got '${ref.text}'`,
          'bad_reference',
          locate.inside(path, ref.text),
        );
    }
  }
  let capture: PipelineStage['capture'];
  if (typeof spec.capture === 'string') capture = { var: spec.capture, secret: false };
  else if (spec.capture) {
    let pattern: RegExp | undefined;
    if (spec.capture.pattern !== undefined) {
      try {
        pattern = new RegExp(spec.capture.pattern, 'm');
      } catch (err) {
        push(
          ['stages', index, 'capture', 'pattern'],
          `expected a regular expression, got '${spec.capture.pattern}' (${(err as Error).message})`,
          'bad_pattern',
        );
      }
    }
    capture = {
      var: spec.capture.var,
      secret: spec.capture.secret === true,
      ...(pattern ? { pattern } : {}),
    };
  }
  let when: Condition | undefined;
  if (spec.when !== undefined) {
    const parsed = parseCondition(spec.when);
    if (parsed.ok) when = parsed.condition;
    else push(['stages', index, 'when'], parsed.message, 'bad_when');
  }
  const args = tool === undefined ? [] : words;
  return {
    index,
    name: spec.name,
    spec,
    depends: spec.depends ?? [],
    ancestors: new Set(),
    ...(tool === undefined ? {} : { tool }),
    words,
    uses,
    ...(capture ? { capture } : {}),
    ...(when ? { when } : {}),
    writesImage: tool !== undefined && writesImage(tool, args),
    verifiesImage: tool !== undefined && verifiesImage(tool, args),
  };
}

/** Every `${NAME}` is declared, given, imported, or captured by a stage this one depends on. */
function checkReferences(
  stages: PipelineStage[],
  variables: ReadonlySet<string>,
  capturedBy: ReadonlyMap<string, string>,
  locate: YamlLocator,
  push: Push,
): void {
  for (const stage of stages) {
    for (const { path, text } of stageTexts(stage.spec, stage.index)) {
      for (const ref of findRefs(text)) {
        if (!ref.valid || variables.has(ref.name)) continue;
        const at = locate.inside(path, ref.text);
        const producer = capturedBy.get(ref.name);
        if (producer === undefined) {
          push(
            path,
            `expected a defined variable (variables:, --var, env: or a capture), got undefined ${ref.text}`,
            'undefined_variable',
            at,
          );
        } else if (!stage.ancestors.has(producer)) {
          push(
            path,
            `expected ${ref.text} from a stage this one depends on, got a capture of '${producer}' (add depends: [${producer}])`,
            'capture_not_ancestor',
            at,
          );
        }
      }
    }
  }
}

/** A stage whose `when` is false before anything runs cannot run: nothing may depend on it. */
function checkRunnable(
  stages: PipelineStage[],
  variables: ReadonlyMap<string, string>,
  capturedBy: ReadonlyMap<string, string>,
  locate: YamlLocator,
  push: Push,
): void {
  const never = new Set<string>();
  for (const stage of stages) {
    if (!stage.when) continue;
    const uses = [...findRefs(stage.spec.when ?? '')].map((r) => r.name);
    if (uses.some((u) => capturedBy.has(u))) continue;
    if (!evaluateCondition(stage.when, variables)) never.add(stage.name);
  }
  for (const stage of stages) {
    stage.depends.forEach((dep, j) => {
      if (never.has(dep)) {
        const path = ['stages', stage.index, 'depends', j];
        push(
          path,
          `expected a stage that can run, got '${dep}', whose when: is false with these variables`,
          'depends_never_runs',
          locate.at(path),
        );
      }
    });
  }
}

/** The design's rule: every stage that writes an image has a `rock-verify integration` stage after it. */
function checkVerification(stages: PipelineStage[], push: Push): void {
  for (const stage of stages) {
    if (!stage.writesImage) continue;
    if (stages.some((v) => v.verifiesImage && v.ancestors.has(stage.name))) continue;
    push(
      ['stages', stage.index, 'name'],
      `expected a rock-verify integration stage that depends on '${stage.name}', which writes an image; got none ` +
        `(add: - { name: verify-${stage.name}, tool: rock-verify, args: [integration, IMAGE], depends: [${stage.name}] })`,
      'verification_missing',
    );
  }
}
