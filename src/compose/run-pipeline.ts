/**
 * The scheduler: stages start as soon as everything they depend on succeeded (or was up to date), at
 * most `jobs` at once. A failure fails the run; its dependents are reported `skipped` with the failed
 * stage named, never silently; without `keepGoing` nothing new starts after a failure. Ctrl-C (the
 * signal) kills the running stages' process groups and removes what they half wrote. An image
 * stage's stamp is written only once a verification stage after it passed.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { InputError } from '../errors/index.js';
import { makeDirs } from '../util/make-dirs.js';
import { loadPipeline } from './load-pipeline.js';
import { runStage, type StageOutcome } from './run-stage.js';
import { type Stamp, writeStamp } from './stamps.js';
import type { RunEvent, RunResult, StageResult } from './types.js';
import type { ValidatedPipeline } from './validate-pipeline.js';

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  /** The pipeline file, relative to the context's cwd. */
  file: string;
  /** At most this many stages at once; default: the number of cores. */
  jobs?: number;
  /** `--var K=V`. */
  vars?: Record<string, string>;
  /** Run everything that does not depend on a failure. */
  keepGoing?: boolean;
  /** State directory; default `.rock/` beside the pipeline. */
  stateDir?: string;
  /** Aborting it stops the run like Ctrl-C. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

/**
 * Validates and runs a pipeline. Rejects only for an invalid pipeline (PipelineInvalidError, exit 2)
 * or unusable options; a failing stage is a result (`ok: false`), not an exception.
 *
 * @example
 * const result = await runPipeline({ file: 'pipelines/build-rock-os.yaml', jobs: 2 }, processContext());
 */
export async function runPipeline(options: RunPipelineOptions, context: CommandContext): Promise<RunResult> {
  const pipeline = loadPipeline(options.file, context, options.vars);
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new InputError('BAD_JOBS', `jobs: expected an integer >= 1, got ${jobs}`, { jobs });
  const stateDir =
    options.stateDir === undefined ? join(pipeline.dir, '.rock') : resolve(context.cwd, options.stateDir);
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(3).toString('hex')}`;
  const runDir = join(stateDir, 'runs', runId);
  makeDirs(runDir);
  pruneRuns(join(stateDir, 'runs'), KEEP_RUNS);
  const signal = options.signal ?? new AbortController().signal;
  return schedule(pipeline, { ...options, jobs, stateDir, runDir, runId, signal }, context);
}

/** Run directories kept: the logs of older runs are removed, so `.rock/runs/` does not grow forever. */
const KEEP_RUNS = 20;

function pruneRuns(dir: string, keep: number): void {
  // Run ids start with a UTC timestamp, so names sort by age.
  const runs = readdirSync(dir).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - keep)))
    rmSync(join(dir, old), { recursive: true, force: true });
}

interface Scheduled {
  jobs: number;
  keepGoing?: boolean;
  stateDir: string;
  runDir: string;
  runId: string;
  signal: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

async function schedule(
  pipeline: ValidatedPipeline,
  opts: Scheduled,
  context: CommandContext,
): Promise<RunResult> {
  const results = new Map<string, StageResult>();
  /** The failed stage at the root of each failure or skip, to name it in dependents' reasons. */
  const rootCause = new Map<string, string>();
  const values = new Map(pipeline.variables);
  const dependencyOutputs = new Map<string, string>();
  const pendingImageStamps = new Map<string, Stamp>();
  const running = new Map<string, Promise<void>>();
  let firstFailure: string | undefined;
  let interrupted = false;
  const emit = (event: RunEvent) => opts.onEvent?.(event);
  const finish = (result: StageResult) => {
    results.set(result.name, result);
    emit({ type: 'end', result });
  };
  const blocks = (name: string) => {
    const r = results.get(name);
    if (!r) return false;
    if (r.status === 'skipped') return true;
    return r.status === 'failed' && !pipeline.byName.get(name)?.spec.continue_on_error;
  };

  const settle = async (name: string, outcome: StageOutcome) => {
    const stage = pipeline.byName.get(name)!;
    if (outcome.captured !== undefined && stage.capture) values.set(stage.capture.var, outcome.captured);
    if (outcome.outputsDigest !== undefined) dependencyOutputs.set(name, outcome.outputsDigest);
    if (outcome.interrupted) interrupted = true;
    if (outcome.result.status === 'failed') {
      rootCause.set(name, name);
      if (!stage.spec.continue_on_error) firstFailure ??= name;
      else outcome.result.reason = `${outcome.result.reason} (continue_on_error)`;
    }
    if (outcome.result.status === 'succeeded' || outcome.result.status === 'cached') {
      if (outcome.stamp && stage.writesImage) pendingImageStamps.set(name, outcome.stamp);
      else if (outcome.stamp) await writeStamp(opts.stateDir, outcome.stamp);
      if (stage.verifiesImage) {
        for (const [image, stamp] of pendingImageStamps) {
          if (!stage.ancestors.has(image)) continue;
          await writeStamp(opts.stateDir, stamp);
          pendingImageStamps.delete(image);
        }
      }
    }
    finish(outcome.result);
  };

  for (;;) {
    if (opts.signal.aborted) interrupted = true;
    for (const name of pipeline.order) {
      if (results.has(name) || running.has(name)) continue;
      const stage = pipeline.byName.get(name)!;
      const blocker = stage.depends.find(blocks);
      if (blocker !== undefined) {
        const root = rootCause.get(blocker) ?? blocker;
        rootCause.set(name, root);
        const why = results.get(blocker)?.status === 'failed' ? 'failed' : 'skipped';
        finish({
          name,
          status: 'skipped',
          exit_code: null,
          duration_ms: 0,
          log: null,
          reason:
            root === blocker
              ? `depends on ${why} stage '${blocker}'`
              : `depends on '${blocker}', skipped because '${root}' failed`,
        });
        continue;
      }
      if (interrupted || (firstFailure !== undefined && !opts.keepGoing)) continue;
      if (!stage.depends.every((d) => results.has(d))) continue;
      if (running.size >= opts.jobs) continue;
      const task = runStage(stage, {
        pipeline,
        values,
        dependencyOutputs,
        stateDir: opts.stateDir,
        runDir: opts.runDir,
        runId: opts.runId,
        env: context.env,
        signal: opts.signal,
        onStart: (attempt) => emit({ type: 'start', stage: name, attempt }),
      }).then((outcome) => settle(name, outcome));
      running.set(
        name,
        task.finally(() => running.delete(name)),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  for (const name of pipeline.order) {
    if (results.has(name)) continue;
    finish({
      name,
      status: 'skipped',
      exit_code: null,
      duration_ms: 0,
      log: null,
      reason: interrupted
        ? 'not started: the run was interrupted'
        : `not started: stage '${firstFailure}' failed (--keep-going runs what does not depend on it)`,
    });
  }
  const stages = pipeline.stages.map((s) => results.get(s.name)!);
  return {
    pipeline: pipeline.source,
    run_id: opts.runId,
    run_dir: opts.runDir,
    stages,
    ok: firstFailure === undefined && !interrupted,
    interrupted,
  };
}
