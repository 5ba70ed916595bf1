/**
 * What validation learns about one stage: the suite tool it runs (by `tool:` or the first word of
 * `command:`), its words, the variables it uses, its capture and condition, and whether it writes or
 * verifies an image. Problems go to `push` with their positions.
 */
import type { YamlLocator, YamlPath } from '../yaml/index.js';
import type { Stage } from './schema.js';
import { splitWords } from './shell-words.js';
import { availableTools, toolScript, verifiesImage, writesImage } from './tools.js';
import { findRefs } from './variables.js';
import { type Condition, parseCondition } from './when.js';

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

/** Reports one problem at a path (or at an exact position). */
export type Push = (
  path: YamlPath,
  message: string,
  code: string,
  at?: { line: number; column: number },
) => void;

/** The texts of a stage that may hold `${VAR}`, with their paths. */
export function stageTexts(spec: Stage, index: number): { path: YamlPath; text: string }[] {
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

/** The stage as the runner needs it; `ancestors` is filled in once the graph is known. */
export function describeStage(spec: Stage, index: number, locate: YamlLocator, push: Push): PipelineStage {
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
