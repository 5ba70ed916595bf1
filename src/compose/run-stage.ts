/**
 * One stage, start to end: its `when`, its cache check, its attempts (with retries and backoff, a
 * timeout, Ctrl-C), its log, its capture, and on failure the removal of what it half wrote.
 */
import { createWriteStream, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { captureValue } from './capture.js';
import { durationMs } from './duration.js';
import { digestOf, type Fingerprint, fingerprint } from './fingerprint.js';
import { isGlob } from './glob.js';
import { type Invocation, resolveInvocation } from './invocation.js';
import { redactingStream, redactText } from './redact.js';
import { spawnStage } from './spawn-stage.js';
import { isCacheable, keyParts } from './stage-key.js';
import { type KeyParts, readStamp, type Stamp, stageKey, staleReason } from './stamps.js';
import type { StageResult } from './types.js';
import type { PipelineStage, ValidatedPipeline } from './validate-pipeline.js';
import { evaluateCondition } from './when.js';

/** What a stage needs from the run around it. */
export interface StageRunContext {
  pipeline: ValidatedPipeline;
  values: Map<string, string>;
  /** Digest of each finished dependency's outputs. */
  dependencyOutputs: Map<string, string>;
  stateDir: string;
  runDir: string;
  runId: string;
  env: Readonly<NodeJS.ProcessEnv>;
  signal: AbortSignal;
  onStart: (attempt: number) => void;
}

/** The outcome of a stage: its result, and what the run records after it. */
export interface StageOutcome {
  result: StageResult;
  /** The stamp to write once the stage (and, for an image, its verification) succeeded. */
  stamp?: Stamp;
  outputsDigest?: string;
  captured?: string;
  interrupted: boolean;
}

/** Runs one stage; never rejects for the stage's own failures. */
export async function runStage(stage: PipelineStage, ctx: StageRunContext): Promise<StageOutcome> {
  const started = Date.now();
  const base = { name: stage.name, exit_code: null, log: null };
  const elapsed = () => Date.now() - started;
  if (stage.when && !evaluateCondition(stage.when, ctx.values)) {
    return {
      result: { ...base, status: 'skipped', duration_ms: 0, reason: `when: ${stage.spec.when} is false` },
      interrupted: false,
    };
  }
  const dir = ctx.pipeline.dir;
  const inv = resolveInvocation(stage, ctx.values, dir, ctx.env);
  const cacheable = isCacheable(stage, ctx.pipeline.secrets);
  let parts: KeyParts | undefined;
  // What the outputs were before the stage ran: a failure removes only what it changed.
  const before: Fingerprint = await fingerprint(inv.outputs, inv.cwd, dir);
  if (cacheable) {
    parts = await keyParts(stage, inv, ctx.values, ctx.dependencyOutputs, dir);
    const stamp = readStamp(ctx.stateDir, stage.name);
    const stale = staleReason(stamp, parts, before);
    if (stamp && stale === undefined) {
      return {
        result: {
          ...base,
          status: 'cached',
          duration_ms: elapsed(),
          reason: 'up to date: inputs, definition and outputs unchanged',
        },
        outputsDigest: digestOf(before),
        ...(stamp.captured === undefined ? {} : { captured: stamp.captured }),
        interrupted: false,
      };
    }
  }

  if (!isDirectory(inv.cwd)) {
    const reason = `workdir: expected a directory, got ${relative(dir, inv.cwd) || '.'}, which does not exist`;
    return { result: { ...base, status: 'failed', duration_ms: elapsed(), reason }, interrupted: false };
  }
  const logPath = join(ctx.runDir, `${stage.name}.log`);
  const secrets = () => [...ctx.pipeline.secrets].map((v) => ctx.values.get(v) ?? '').filter(Boolean);
  const file = createWriteStream(logPath, { mode: 0o600 });
  const log = redactingStream(secrets);
  log.pipe(file);
  log.write(`$ ${redactText(inv.argv.map(quote).join(' '), secrets())}\n`);
  if (inv.cwd !== dir) log.write(`(in ${inv.cwd})\n`);

  const retries = stage.spec.retries ?? 0;
  let delay = durationMs(stage.spec.retry_delay ?? '1s');
  let attempt = 0;
  let outcome: Awaited<ReturnType<typeof spawnStage>>;
  for (;;) {
    ctx.onStart(attempt);
    outcome = await spawnStage({
      argv: inv.argv,
      cwd: inv.cwd,
      env: inv.env,
      log,
      keepStdout: stage.capture !== undefined,
      hideStdout: stage.capture?.secret === true,
      ...(stage.spec.timeout === undefined ? {} : { timeoutMs: durationMs(stage.spec.timeout) }),
      signal: ctx.signal,
    });
    const ok = outcome.exitCode === 0 && outcome.startError === undefined;
    if (ok || outcome.interrupted || attempt >= retries || ctx.signal.aborted) break;
    log.write(`== ${describeEnd(outcome)}; retry ${attempt + 1} of ${retries} in ${delay} ms\n`);
    await sleep(delay, ctx.signal);
    if (ctx.signal.aborted) break;
    delay *= 2;
    attempt++;
  }
  if (outcome.startError) log.write(`${outcome.startError}\n`);
  let failure: string | undefined =
    outcome.exitCode === 0 && !outcome.startError
      ? undefined
      : ctx.signal.aborted
        ? 'interrupted'
        : describeEnd(outcome);
  let captured: string | undefined;
  if (failure === undefined && stage.capture) {
    const value = captureValue(outcome.stdout, {
      ...(stage.capture.pattern ? { pattern: stage.capture.pattern } : {}),
      ...(inv.captureField === undefined ? {} : { field: inv.captureField }),
    });
    if (value.ok) captured = value.value;
    else {
      failure = value.message;
      log.write(`${value.message}\n`);
    }
  }
  if (retries > 0 && attempt > 0) log.write(`== ${attempt + 1} attempts\n`);
  await new Promise<void>((done) => {
    file.on('close', () => done());
    log.end();
  });
  const exitCode = outcome.exitCode;
  if (failure !== undefined) {
    if (inv.outputs.length > 0)
      removeHalfWritten(inv, before, await fingerprint(inv.outputs, inv.cwd, dir), dir);
    return {
      result: {
        name: stage.name,
        status: 'failed',
        exit_code: exitCode,
        duration_ms: elapsed(),
        log: logPath,
        reason: failure,
      },
      interrupted: outcome.interrupted || ctx.signal.aborted,
    };
  }
  const result: StageResult = {
    name: stage.name,
    status: 'succeeded',
    exit_code: exitCode,
    duration_ms: elapsed(),
    log: logPath,
    reason: attempt > 0 ? `succeeded on attempt ${attempt + 1}` : null,
  };
  if (!cacheable || !parts)
    return { result, ...(captured === undefined ? {} : { captured }), interrupted: false };
  const outputs = await fingerprint(inv.outputs, inv.cwd, dir);
  const stamp: Stamp = {
    version: 1,
    stage: stage.name,
    key: stageKey(parts),
    parts,
    outputs,
    ...(captured === undefined || stage.capture?.secret ? {} : { captured }),
    run: ctx.runId,
  };
  return {
    result,
    stamp,
    outputsDigest: digestOf(outputs),
    ...(captured === undefined ? {} : { captured }),
    interrupted: false,
  };
}

function describeEnd(outcome: Awaited<ReturnType<typeof spawnStage>>): string {
  if (outcome.startError) return outcome.startError;
  if (outcome.interrupted) return 'interrupted';
  if (outcome.timedOut) return 'timed out (its process group was killed)';
  if (outcome.signal) return `killed by ${outcome.signal}`;
  return `exit code ${outcome.exitCode}`;
}

/**
 * A failed or interrupted stage leaves no half-written output: every declared output file it created
 * or changed is removed (what it did not touch stays), and so are the suite's atomic-write temporaries
 * (`.<name>.tmp-*`) beside a declared output, which a killed tool had no chance to remove.
 */
function removeHalfWritten(inv: Invocation, before: Fingerprint, after: Fingerprint, dir: string): void {
  for (const [path, print] of Object.entries(after)) {
    if (print !== 'absent' && before[path] !== print)
      rmSync(join(dir, path), { recursive: true, force: true });
  }
  for (const output of inv.outputs) {
    if (isGlob(output)) continue;
    const target = join(inv.cwd, output);
    if (before[relative(dir, target) || '.'] === 'absent') rmSync(target, { recursive: true, force: true });
    const prefix = `.${basename(target)}.tmp-`;
    let names: string[] = [];
    try {
      names = readdirSync(dirname(target));
    } catch {
      continue;
    }
    for (const name of names)
      if (name.startsWith(prefix)) rmSync(join(dirname(target), name), { force: true });
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function quote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}
