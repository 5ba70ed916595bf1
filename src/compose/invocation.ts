/**
 * A stage made concrete just before it starts: variables expanded, argv decided (the suite's tools by
 * absolute path under this very node, other commands as split words, `shell: true` through /bin/sh),
 * working directory and environment. Also what identifies the stage in its cache key.
 */
import { statSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { VERSION } from '../version.js';
import { captureField, toolScript } from './tools.js';
import type { PipelineStage } from './validate-pipeline.js';
import { expandVariables } from './variables.js';

/** What the runner spawns. */
export interface Invocation {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The stage's own environment variables (expanded), part of its key. */
  stageEnv: Record<string, string>;
  /** For a suite tool: the field of its `--json` result that `capture:` takes. */
  captureField?: string;
  /** The expanded definition, as the key sees it (paths relative to the pipeline). */
  definition: Record<string, unknown>;
  /** The tool's version: the suite's for its tools, the executable's size and mtime otherwise. */
  toolVersion: string;
  inputs: string[];
  outputs: string[];
}

/** Expands a stage with the values known when it starts. */
export function resolveInvocation(
  stage: PipelineStage,
  values: ReadonlyMap<string, string>,
  pipelineDir: string,
  env: Readonly<NodeJS.ProcessEnv>,
): Invocation {
  const x = (text: string) => expandVariables(text, values);
  const spec = stage.spec;
  const cwd = resolve(pipelineDir, x(spec.workdir ?? '.'));
  const stageEnv = Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, x(v)]));
  const childEnv = { ...env, ...stageEnv };
  const words = stage.words.map(x);
  let argv: string[];
  let field: string | undefined;
  let toolVersion: string;
  if (stage.tool !== undefined) {
    const script = toolScript(stage.tool) as string;
    // The tool's result value comes from its --json output, unless a pattern reads its text.
    field = stage.capture && !stage.capture.pattern ? captureField(stage.tool, words) : undefined;
    const args = field !== undefined && !words.includes('--json') ? [...words, '--json'] : words;
    argv = [process.execPath, script, ...args];
    toolVersion = `${stage.tool}@${VERSION}`;
  } else if (spec.shell === true) {
    argv = ['/bin/sh', '-c', x(spec.command ?? '')];
    toolVersion = executableVersion('/bin/sh', childEnv, cwd);
  } else {
    argv = words;
    toolVersion = executableVersion(words[0] ?? '', childEnv, cwd);
  }
  return {
    argv,
    cwd,
    env: childEnv,
    stageEnv,
    ...(field === undefined ? {} : { captureField: field }),
    definition: {
      ...(stage.tool === undefined ? {} : { tool: stage.tool }),
      argv: stage.tool === undefined ? argv : argv.slice(2),
      shell: spec.shell === true,
      env: stageEnv,
      workdir: relative(pipelineDir, cwd) || '.',
    },
    toolVersion,
    inputs: (spec.inputs ?? []).map(x),
    outputs: (spec.outputs ?? []).map(x),
  };
}

/** The program a command runs, identified by its resolved path, size and mtime (hashing it each run is too slow). */
function executableVersion(program: string, env: NodeJS.ProcessEnv, cwd: string): string {
  const candidates = program.includes('/')
    ? [isAbsolute(program) ? program : resolve(cwd, program)]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, program));
  for (const path of candidates) {
    try {
      const st = statSync(path);
      if (st.isFile()) return `${path}:${st.size}:${Math.trunc(st.mtimeMs)}`;
    } catch {
      // not this one
    }
  }
  return `${program}:not-found`;
}
