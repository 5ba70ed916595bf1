/**
 * `rock-build list`: each component of the manifest with its role (or install path), builder, last
 * build in this output directory, and whether the cache holds its current key (computed as a build
 * would, without building anything).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ArtifactCache } from '../cache/index.js';
import { outputName, prepareComponent } from './build-one.js';
import { readState } from './build-state.js';
import type { LoadedManifest } from './parse-manifest.js';
import { ToolchainProbe } from './toolchain.js';

/** One line of `rock-build list`. */
export interface ComponentListing {
  name: string;
  builder: string;
  role?: string;
  install?: string;
  /** The output's file name in the output directory. */
  file: string;
  depends: string[];
  /** The current key (sources, toolchain, env, dependencies as last built). */
  key: string;
  /** The cache holds the current key. */
  cached: boolean;
  /** The last build here: when, whether from the cache, and whether it is still current. */
  lastBuild?: { builtAt: string; cached: boolean; sha256: string; current: boolean };
}

/** Lists the manifest's components (reads sources and runs version commands; writes nothing). */
export async function listComponents(
  manifest: LoadedManifest,
  cache: ArtifactCache,
  env: Readonly<NodeJS.ProcessEnv>,
  release = false,
): Promise<ComponentListing[]> {
  const state = readState(manifest.outputDir);
  const probe = new ToolchainProbe();
  const deps = new Map<string, { path: string; sha256: string }>();
  for (const [name, r] of Object.entries(state.components)) {
    deps.set(name, { path: path.join(manifest.outputDir, r.file), sha256: r.sha256 });
  }
  const out: ComponentListing[] = [];
  for (const c of manifest.components) {
    const prepared = prepareComponent(c, {
      manifestDir: manifest.dir,
      outputDir: manifest.outputDir,
      profile: release ? 'release' : 'debug',
      env,
      probe,
      deps,
    });
    const listing: ComponentListing = {
      name: c.name,
      builder: c.builder,
      file: outputName(c),
      depends: c.depends,
      key: prepared.key,
      cached: await cache.has(prepared.key),
    };
    if (c.role !== undefined) listing.role = c.role;
    if (c.install !== undefined) listing.install = c.install;
    const last = state.components[c.name];
    if (last !== undefined) {
      const present = fs.existsSync(path.join(manifest.outputDir, last.file));
      listing.lastBuild = {
        builtAt: last.builtAt,
        cached: last.cached,
        sha256: last.sha256,
        current: present && last.key === prepared.key,
      };
    }
    out.push(listing);
  }
  return out;
}
