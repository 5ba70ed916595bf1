/**
 * The work behind rock-compose's commands, apart from their flags: the run with its task list and
 * Ctrl-C handling, the plan, and how results and invalid pipelines are shown.
 */
import {
  loadPipeline,
  logTail,
  PipelineInvalidError,
  type Plan,
  planPipeline,
  type RunResult,
  runPipeline,
} from '../compose/index.js';
import { ExitError } from '../errors/index.js';
import { TaskList } from './compose-progress.js';
import type { CommandContext } from './context.js';
import { paint } from './terminal.js';

/** Options of `rock-compose run`. */
export interface ComposeRunOptions {
  file: string;
  jobs?: number;
  vars: Record<string, string>;
  keepGoing: boolean;
  stateDir?: string;
  json: boolean;
}

/** Options of `rock-compose plan`. */
export interface ComposePlanOptions {
  file: string;
  vars: Record<string, string>;
  stateDir?: string;
  json: boolean;
}

/** `rock-compose run`: the run, with a live task list on a terminal (plain lines otherwise) and Ctrl-C handled. */
export async function composeRun(options: ComposeRunOptions, context: CommandContext): Promise<RunResult> {
  const pipeline = withIssues(() => loadPipeline(options.file, context, options.vars), context, options.json);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const list = options.json
    ? undefined
    : new TaskList(
        pipeline.stages.map((s) => s.name),
        context.terminal.stderrIsTTY
          ? (t) => process.stderr.write(t)
          : (t) => context.io.err(t.replace(/\n$/, '')),
        context.terminal.stderrIsTTY,
        context.terminal.color,
        context.terminal.columns,
      );
  try {
    return await runPipeline(
      {
        file: options.file,
        vars: options.vars,
        keepGoing: options.keepGoing,
        ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
        ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
        signal: controller.signal,
        ...(list ? { onEvent: (e) => list.event(e) } : {}),
      },
      context,
    );
  } finally {
    list?.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** `rock-compose plan`. */
export function composePlan(options: ComposePlanOptions, context: CommandContext): Promise<Plan> {
  withIssues(() => loadPipeline(options.file, context, options.vars), context, options.json);
  return planPipeline(
    {
      file: options.file,
      vars: options.vars,
      ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
    },
    context,
  );
}

/** An invalid pipeline: every problem on its own line (stderr), then exit 2; with --json the error object carries them all. */
export function withIssues<T>(fn: () => T, context: CommandContext, json: boolean): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof PipelineInvalidError) || json) throw err;
    for (const line of err.issueLines()) context.io.err(line);
    context.io.err(
      `rock-compose: ${err.source}: ${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}; nothing was run`,
    );
    throw new ExitError(2);
  }
}

export function printRun(result: RunResult, context: CommandContext): void {
  const { io } = context;
  const color = context.terminal.color;
  for (const s of result.stages) {
    if (s.status !== 'failed' || s.log === null) continue;
    io.err(`--- ${s.name}: ${s.reason ?? 'failed'}; last lines of ${s.log}:`);
    for (const line of logTail(s.log)) io.err(`  ${line}`);
  }
  const counts = new Map<string, number>();
  for (const s of result.stages) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const summary = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  const verdict = result.interrupted ? 'INTERRUPTED' : result.ok ? 'PASSED' : 'FAILED';
  io.out(
    `${paint(verdict, result.ok ? 'green' : 'red', color)} ${result.pipeline}: ${summary} (logs: ${result.run_dir})`,
  );
}

export function printPlan(plan: Plan, context: CommandContext): void {
  const width = Math.max(...plan.stages.map((s) => s.name.length));
  plan.stages.forEach((s, i) => {
    context.io.out(
      `${String(i + 1).padStart(2)}. ${s.name.padEnd(width)}  ${s.action.padEnd(6)}  ${s.reason}`,
    );
  });
}
