/**
 * `rock-build COMPONENT...|all`: the selected components and everything they depend on, in
 * dependency order, independent ones in parallel up to `jobs`; then the state and
 * `components.lock.json` of the output directory.
 */
import os from 'node:os';
import path from 'node:path';
import { type ArtifactCache, openCache } from '../cache/index.js';
import type { CommandContext } from '../cli/context.js';
import { InputError, ToolError } from '../errors/index.js';
import { makeDirs } from '../util/make-dirs.js';
import { buildOne, componentPaths, outputName } from './build-one.js';
import { type ComponentRecord, LOCK_FILE, readState, STATE_DIR, track, writeState } from './build-state.js';
import { keyDifferences } from './component-key.js';
import { withOutputLock } from './output-lock.js';
import { type LoadedManifest, loadManifest } from './parse-manifest.js';
import { runGraph } from './run-graph.js';
import { ToolchainProbe } from './toolchain.js';

/** Options of {@link buildComponents}. Paths are relative to the context's `cwd`. */
export interface BuildOptions {
  /** Component names; `all` (or none) for every component. */
  components: string[];
  /** The manifest; default `components.yaml`. */
  file?: string;
  /** Output directory; default the manifest's `output_dir`, else `build/components` beside it. */
  outputDir?: string;
  /** Build the release profile (cargo `--profile release`; ROCK_BUILD_PROFILE=release for the others). */
  release?: boolean;
  /** Builds at once; default the number of cores. */
  jobs?: number;
  /** Rebuild even when the cache has the key (the result is stored again). */
  noCache?: boolean;
  /** The cache to use; default `openCache` with the context's environment (ROCK_CACHE_DIR, ...). */
  cache?: ArtifactCache;
  /** Called as each component starts and ends. */
  onEvent?: (event: BuildEvent) => void;
}

/** Progress of a build. */
export type BuildEvent =
  | { type: 'start'; component: string }
  | { type: 'done'; component: string; result: ComponentResult };

/** The outcome of one component. */
export type ComponentResult =
  | {
      name: string;
      status: 'built' | 'cached';
      file: string;
      sha256: string;
      key: string;
      log: string;
      /** Why the cache was missed, when an earlier build is known (`sources: main.c changed`). */
      missReasons?: string[];
    }
  | { name: string; status: 'failed'; error: { code: string; message: string }; log: string; tail: string[] }
  | { name: string; status: 'skipped'; reason: string };

/** What {@link buildComponents} returns. */
export interface BuildReport {
  outputDir: string;
  lockFile: string;
  components: ComponentResult[];
  /** Every selected component was built or cached. */
  ok: boolean;
}

/** The manifest of a command: `--file`, else `components.yaml` in `cwd`. */
export function manifestOf(
  options: { file?: string; outputDir?: string },
  context: CommandContext,
): LoadedManifest {
  const file = path.resolve(context.cwd, options.file ?? 'components.yaml');
  const out = options.outputDir === undefined ? undefined : path.resolve(context.cwd, options.outputDir);
  const manifest = loadManifest(file, out);
  for (const c of manifest.components) {
    const source = path.resolve(manifest.dir, c.source);
    if (source === manifest.outputDir || source.startsWith(`${manifest.outputDir}${path.sep}`)) {
      throw new InputError(
        'OUTPUT_DIR_HOLDS_SOURCE',
        `${manifest.file}: output_dir: expected a directory outside every source, found ${manifest.outputDir} holding ${c.name}'s source ${source}`,
        { field: 'output_dir', component: c.name },
      );
    }
  }
  return manifest;
}

/** The selected names and their dependencies, dependencies first (manifest order otherwise). */
export function selectComponents(manifest: LoadedManifest, names: readonly string[]): string[] {
  const byName = new Map(manifest.components.map((c) => [c.name, c]));
  const wanted = names.length === 0 || names.includes('all') ? [...byName.keys()] : [...names];
  for (const n of wanted) {
    if (!byName.has(n)) {
      throw new InputError(
        'UNKNOWN_COMPONENT',
        `component: expected one of ${[...byName.keys()].join(', ')} or all, got '${n}'`,
        { field: 'component', value: n },
      );
    }
  }
  const order: string[] = [];
  const visit = (n: string) => {
    if (order.includes(n)) return;
    for (const d of byName.get(n)?.depends ?? []) visit(d);
    order.push(n);
  };
  for (const c of manifest.components) if (wanted.includes(c.name)) visit(c.name);
  return order;
}

/**
 * Builds the selected components. Resolves to a report (never rejects for a failed build: each
 * failure is in its entry, `ok` false); rejects with InputError for an unusable manifest. Another
 * rock-build using the same output directory is waited for (one line on stderr).
 *
 * @example
 * const report = await buildComponents({ components: ['all'], jobs: 2 }, processContext());
 */
export async function buildComponents(options: BuildOptions, context: CommandContext): Promise<BuildReport> {
  const manifest = manifestOf(options, context);
  const order = selectComponents(manifest, options.components);
  return withOutputLock(manifest.outputDir, context, () => build(manifest, order, options, context));
}

async function build(
  manifest: LoadedManifest,
  order: string[],
  options: BuildOptions,
  context: CommandContext,
): Promise<BuildReport> {
  const byName = new Map(manifest.components.map((c) => [c.name, c]));
  const outputDir = manifest.outputDir;
  makeDirs(path.join(outputDir, STATE_DIR));
  const state = readState(outputDir);
  const cache =
    options.cache ??
    openCache({
      env: context.env,
      home: context.home,
      cwd: context.cwd,
      warn: (m) => context.io.err(`rock-build: warning: ${m}`),
    });
  const probe = new ToolchainProbe();
  const deps = new Map<string, { path: string; sha256: string }>();
  const profile = options.release ? 'release' : 'debug';
  const records = new Map<string, ComponentRecord>();

  const logOf = (name: string) => path.join(outputDir, componentPaths(name).log);
  const succeeded = (name: string, r: ComponentRecord): ComponentResult => {
    const before = state.components[name];
    const result: ComponentResult = {
      name,
      status: r.cached ? 'cached' : 'built',
      file: path.join(outputDir, r.file),
      sha256: r.sha256,
      key: r.key,
      log: logOf(name),
    };
    if (!r.cached && before !== undefined && before.key !== r.key) {
      result.missReasons = keyDifferences(before.keyDocument, r.keyDocument);
    }
    return result;
  };

  const outcomes = await runGraph(
    order,
    (n) => byName.get(n)?.depends ?? [],
    Math.max(1, Math.floor(options.jobs ?? os.availableParallelism())),
    async (name) => {
      const c = byName.get(name)!;
      options.onEvent?.({ type: 'start', component: name });
      const p = componentPaths(name);
      track(state, p.log, `${STATE_DIR}/logs`, `${STATE_DIR}/work`, `${STATE_DIR}/incoming`);
      let result: ComponentResult;
      try {
        const r = await buildOne(c, {
          manifestDir: manifest.dir,
          outputDir,
          profile,
          noCache: Boolean(options.noCache),
          cache,
          env: context.env,
          probe,
          deps,
        });
        track(state, r.file);
        deps.set(name, { path: path.join(outputDir, r.file), sha256: r.sha256 });
        records.set(name, r);
        result = succeeded(name, r);
      } catch (err) {
        result = failure(name, err, logOf(name));
      }
      options.onEvent?.({ type: 'done', component: name, result });
      if (result.status === 'failed') throw result;
      return result;
    },
  );

  const results: ComponentResult[] = order.map((name) => {
    const o = outcomes.get(name);
    if (o?.status === 'ok') return o.result;
    if (o?.status === 'failed') return o.error as ComponentResult;
    const result: ComponentResult = {
      name,
      status: 'skipped',
      reason: o?.status === 'skipped' ? `depends on ${o.because}, which did not build` : 'not started',
    };
    options.onEvent?.({ type: 'done', component: name, result });
    return result;
  });
  for (const [name, r] of records) {
    const c = byName.get(name)!;
    // A component whose output name changed leaves its old file tracked for `clean`.
    if (outputName(c) !== r.file) track(state, outputName(c));
    state.components[name] = r;
  }
  await writeState(outputDir, state);
  return {
    outputDir,
    lockFile: path.join(outputDir, LOCK_FILE),
    components: results,
    ok: results.every((r) => r.status === 'built' || r.status === 'cached'),
  };
}

function failure(name: string, error: unknown, log: string): ComponentResult {
  if (!(error instanceof ToolError)) throw error;
  const tail = Array.isArray(error.data.tail) ? (error.data.tail as string[]) : [];
  return { name, status: 'failed', error: { code: error.code, message: error.message }, log, tail };
}
