/**
 * What a run would do, without doing any of it (go-task #1305: a status query must not change
 * state): the order, and for each stage whether it would run, be skipped as up to date (and why
 * not, when not), or can only be decided during the run. Nothing is written, not even `.rock/`.
 */
import { join, resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { digestOf, fingerprint } from './fingerprint.js';
import { resolveInvocation } from './invocation.js';
import { loadPipeline } from './load-pipeline.js';
import { isCacheable, keyParts } from './stage-key.js';
import { readStamp, staleReason } from './stamps.js';
import { findRefs } from './variables.js';
import { evaluateCondition } from './when.js';

/** What the run would do with a stage. */
export type PlanAction = 'run' | 'cached' | 'skip' | 'check';

/** One line of a plan. */
export interface PlannedStage {
  name: string;
  /** `check`: decided during the run (it uses a value captured then, or follows a stage that runs). */
  action: PlanAction;
  reason: string;
  depends: string[];
}

/** A plan. */
export interface Plan {
  pipeline: string;
  stages: PlannedStage[];
}

/** Options of {@link planPipeline}. */
export interface PlanOptions {
  file: string;
  vars?: Record<string, string>;
  stateDir?: string;
}

/** Plans a run of the pipeline in dependency order; reads files and stamps, writes nothing. */
export async function planPipeline(options: PlanOptions, context: CommandContext): Promise<Plan> {
  const pipeline = loadPipeline(options.file, context, options.vars);
  const stateDir =
    options.stateDir === undefined ? join(pipeline.dir, '.rock') : resolve(context.cwd, options.stateDir);
  const values = new Map(pipeline.variables);
  const planned = new Map<string, PlannedStage>();
  const outputs = new Map<string, string>();
  for (const name of pipeline.order) {
    const stage = pipeline.byName.get(name)!;
    const line = (action: PlanAction, reason: string) => {
      const p = { name, action, reason, depends: stage.depends };
      planned.set(name, p);
      return p;
    };
    const unknown = [...stage.uses].filter((v) => !values.has(v));
    const skipped = stage.depends.find((d) => planned.get(d)?.action === 'skip');
    if (skipped !== undefined) {
      line('skip', `depends on skipped stage '${skipped}'`);
      continue;
    }
    if (stage.when) {
      const whenVars = findRefs(stage.spec.when ?? '').map((r) => r.name);
      if (whenVars.some((v) => !values.has(v))) {
        line('check', `when: ${stage.spec.when} is decided during the run`);
        continue;
      }
      if (!evaluateCondition(stage.when, values)) {
        line('skip', `when: ${stage.spec.when} is false`);
        continue;
      }
    }
    if (!isCacheable(stage, pipeline.secrets)) {
      const secret = stage.capture?.secret || [...stage.uses].some((v) => pipeline.secrets.has(v));
      line('run', secret ? 'captures or uses a secret: always runs' : 'no inputs or outputs: always runs');
      continue;
    }
    if (unknown.length > 0) {
      const v = unknown[0] as string;
      line('check', `uses \${${v}}, captured by '${pipeline.capturedBy.get(v)}' during the run`);
      continue;
    }
    const upstream = stage.depends.find(
      (d) => planned.get(d)?.action !== 'cached' && pipeline.byName.get(d)?.spec.outputs?.length,
    );
    if (upstream !== undefined) {
      line('check', `runs if the outputs of '${upstream}' change`);
      continue;
    }
    const inv = resolveInvocation(stage, values, pipeline.dir, context.env);
    const parts = await keyParts(stage, inv, values, outputs, pipeline.dir);
    const now = await fingerprint(inv.outputs, inv.cwd, pipeline.dir);
    const stamp = readStamp(stateDir, name);
    const stale = staleReason(stamp, parts, now);
    if (stale === undefined) {
      line('cached', 'up to date: inputs, definition and outputs unchanged');
      outputs.set(name, digestOf(now));
      if (stamp?.captured !== undefined && stage.capture) values.set(stage.capture.var, stamp.captured);
    } else line('run', stale);
  }
  return { pipeline: pipeline.source, stages: pipeline.order.map((n) => planned.get(n)!) };
}
