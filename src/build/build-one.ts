/**
 * Builds one component, or takes it from the cache: lists its inputs, computes its key, and on a
 * hit checks the cached file; on a miss copies the inputs into a fresh build directory (so the
 * build sees exactly what the key hashed, and the source directory is never written), runs the
 * builder with its own log, checks the output, stores it in the cache, and moves it into place.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ArtifactCache } from '../cache/index.js';
import { componentSlot } from '../contract/index.js';
import { CheckError } from '../errors/index.js';
import { fsError } from '../util/fs-errors.js';
import { makeDirs } from '../util/make-dirs.js';
import type { ComponentRecord } from './build-state.js';
import { STATE_DIR } from './build-state.js';
import { type BuildPlan, planBuild } from './builders.js';
import { checkOutput } from './check-output.js';
import { childEnv, keyedEnv } from './child-env.js';
import { componentKey, type KeyDocument, keyDocument } from './component-key.js';
import type { Component } from './manifest-schema.js';
import { lastLines, runBuilder } from './run-builder.js';
import { collectSources, copySources, type SourceFile } from './source-files.js';
import type { ToolchainProbe } from './toolchain.js';

/** Lines of a failed build's log carried in its error. */
export const FAILED_LOG_LINES = 20;

/** What {@link buildOne} needs besides the component. */
export interface BuildOneContext {
  /** Directory the manifest's relative paths start from. */
  manifestDir: string;
  outputDir: string;
  profile: 'release' | 'debug';
  noCache: boolean;
  cache: ArtifactCache;
  /** The caller's environment (only PATH, HOME, SOURCE_DATE_EPOCH and the allowlist are used). */
  env: Readonly<NodeJS.ProcessEnv>;
  probe: ToolchainProbe;
  /** Output path and sha256 of each dependency already built. */
  deps: ReadonlyMap<string, { path: string; sha256: string }>;
}

/** The file name of a component's output in the output directory. */
export function outputName(c: Component): string {
  return c.role === undefined ? c.name : componentSlot(c.role).component;
}

/** Relative paths (to the output directory) of a component's log and build directory. */
export function componentPaths(name: string): { log: string; work: string; incoming: string } {
  return {
    log: `${STATE_DIR}/logs/${name}.log`,
    work: `${STATE_DIR}/work/${name}`,
    incoming: `${STATE_DIR}/incoming/${name}`,
  };
}

/** A component ready to build: its key and everything the build runs with. */
export interface PreparedComponent {
  key: string;
  doc: KeyDocument;
  sourceDir: string;
  sources: SourceFile[];
  plan: BuildPlan;
  env: Record<string, string>;
}

/** Lists the inputs of `c`, probes its toolchain, and computes its key (nothing is written). */
export function prepareComponent(
  c: Component,
  ctx: Pick<BuildOneContext, 'manifestDir' | 'outputDir' | 'profile' | 'env' | 'probe' | 'deps'>,
): PreparedComponent {
  const sourceDir = path.resolve(ctx.manifestDir, c.source);
  const sources = collectSources(sourceDir, { exclude: c.exclude, skip: [ctx.outputDir] });
  const inputs = c.inputs.map((p): [string, string] => [
    p,
    sha256File(path.resolve(ctx.manifestDir, p), c.name),
  ]);
  const workDir = path.join(ctx.outputDir, componentPaths(c.name).work);
  const plan = planBuild(c, { workDir, profile: ctx.profile, home: ctx.env.HOME ?? '/' });
  const depVars: Record<string, string> = {};
  for (const d of c.depends) {
    const dep = ctx.deps.get(d);
    if (dep) depVars[`ROCK_BUILD_DEP_${d.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = dep.path;
  }
  const env = childEnv(ctx.env, c.env, { ...plan.env, ROCK_BUILD_PROFILE: ctx.profile, ...depVars });
  const toolchain = plan.versions.map((v) => ctx.probe.version(v, env));
  if (c.builder === 'command') toolchain.unshift(ctx.probe.program(plan.argv[0] as string, env, sourceDir));
  const doc = keyDocument({
    component: c,
    profile: ctx.profile,
    sources,
    inputs,
    toolchain,
    env: keyedEnv(ctx.env, c.env),
    depends: c.depends.map((d): [string, string] => [d, ctx.deps.get(d)?.sha256 ?? 'absent']),
  });
  return { key: componentKey(doc), doc, sourceDir, sources, plan, env };
}

/** Builds (or fetches) `c`; resolves to its record, rejects with a ToolError naming it. */
export async function buildOne(c: Component, ctx: BuildOneContext): Promise<ComponentRecord> {
  const paths = componentPaths(c.name);
  const at = (rel: string) => path.join(ctx.outputDir, rel);
  const { key, doc, sourceDir, sources, plan, env } = prepareComponent(c, ctx);
  const workDir = at(paths.work);
  const final = at(outputName(c));
  const record = (file: string, cached: boolean): ComponentRecord => {
    const facts = checkOutput(c, file);
    const bytes = fs.readFileSync(file);
    const r: ComponentRecord = {
      file: outputName(c),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      key,
      cached,
      facts,
      builtAt: new Date().toISOString(),
      keyDocument: doc,
    };
    if (c.role !== undefined) r.role = c.role;
    if (c.install !== undefined) r.install = c.install;
    return r;
  };

  makeDirs(path.dirname(at(paths.incoming)));
  if (!ctx.noCache) {
    const incoming = at(paths.incoming);
    const hit = await ctx.cache.get(key, incoming);
    if (hit) {
      try {
        const r = record(incoming, true);
        fs.renameSync(incoming, final);
        return r;
      } finally {
        fs.rmSync(incoming, { force: true });
      }
    }
  }

  fs.rmSync(workDir, { recursive: true, force: true });
  makeDirs(workDir);
  copySources(sourceDir, sources, workDir);
  makeDirs(path.dirname(at(paths.log)));
  fs.writeFileSync(at(paths.log), '');
  const exit = await runBuilder(plan.argv, workDir, env, at(paths.log));
  if (exit.status !== 0) {
    const how =
      exit.spawnError !== undefined
        ? `could not start ${plan.argv[0]} (${exit.spawnError === 'ENOENT' ? 'not found on PATH' : exit.spawnError})`
        : exit.signal !== null
          ? `${plan.argv[0]} was killed by ${exit.signal}`
          : `${plan.argv[0]} exited with status ${exit.status}`;
    throw new CheckError('BUILD_FAILED', `${c.name}: build failed: ${how} (log: ${at(paths.log)})`, {
      component: c.name,
      log: at(paths.log),
      tail: lastLines(at(paths.log), FAILED_LOG_LINES),
    });
  }
  const built = path.join(workDir, c.output);
  if (!fs.existsSync(built)) {
    throw new CheckError(
      'OUTPUT_MISSING',
      `${c.name}: output ${c.output}: expected the builder to write it, found nothing`,
      {
        component: c.name,
        log: at(paths.log),
        tail: lastLines(at(paths.log), FAILED_LOG_LINES),
      },
    );
  }
  const r = record(built, false);
  await ctx.cache.put(key, built, { mode: 0o755 });
  // Into place by rename (the temporary copy lives in rock-build's own directory, on the same
  // filesystem): a reader of the output directory sees the old file or the new one, never half.
  const incoming = at(paths.incoming);
  fs.copyFileSync(built, incoming);
  fs.chmodSync(incoming, 0o755);
  fs.renameSync(incoming, final);
  fs.rmSync(workDir, { recursive: true, force: true });
  return r;
}

function sha256File(file: string, component: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch (err) {
    throw fsError(err, file, `cannot read (an input of ${component})`, 'INPUT_UNREADABLE');
  }
}
