/**
 * `rock-build clean [COMPONENT]`: removes what rock-build wrote in the output directory and only
 * that: the paths its state lists, each checked to be inside the output directory (no `..`, no
 * absolute path, no symlink on the way), never following a symlink. Source directories and
 * anything outside the output directory are never touched, whatever the state file says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/index.js';
import { componentPaths } from './build-one.js';
import { LOCK_FILE, readState, STATE_DIR, STATE_FILE, writeState } from './build-state.js';

/** What {@link cleanOutputs} removed (paths relative to the output directory). */
export interface CleanReport {
  outputDir: string;
  removed: string[];
}

/** Removes everything rock-build produced in `outputDir`, or one component's files. */
export async function cleanOutputs(outputDir: string, component?: string): Promise<CleanReport> {
  const state = readState(outputDir);
  const removed: string[] = [];
  if (component !== undefined) {
    const record = state.components[component];
    const p = componentPaths(component);
    for (const rel of [record?.file, p.log, p.work, p.incoming]) {
      if (rel !== undefined && removeInside(outputDir, rel)) removed.push(rel);
    }
    delete state.components[component];
    state.produced = state.produced.filter((r) => r !== record?.file && r !== p.log);
    await writeState(outputDir, state);
    return { outputDir, removed };
  }
  // Deepest first, so a directory is empty of our files when its turn comes.
  const ours = [...state.produced].sort((a, b) => b.length - a.length);
  for (const rel of ours) {
    if (rel === STATE_FILE || rel === STATE_DIR) continue;
    if (removeInside(outputDir, rel)) removed.push(rel);
  }
  for (const rel of [STATE_FILE, LOCK_FILE, STATE_DIR]) {
    if (removeInside(outputDir, rel)) removed.push(rel);
  }
  return { outputDir, removed: [...new Set(removed)].sort() };
}

/**
 * Removes `rel` under `outputDir` when it is there. Directories rock-build owns (its build,
 * incoming and log directories) go with their content; any other directory only when empty.
 */
function removeInside(outputDir: string, rel: string): boolean {
  const normal = path.normalize(rel);
  if (path.isAbsolute(normal) || normal === '..' || normal.startsWith(`..${path.sep}`) || normal === '.') {
    throw new InputError(
      'BUILD_STATE_INVALID',
      `${path.join(outputDir, STATE_FILE)}: produced: expected paths inside the output directory, found '${rel}'`,
      {
        path: rel,
      },
    );
  }
  // No symlink between the output directory and the entry: the entry itself is removed, never followed.
  let at = outputDir;
  for (const part of path
    .dirname(normal)
    .split(path.sep)
    .filter((p) => p !== '.')) {
    at = path.join(at, part);
    const st = lstat(at);
    if (st === undefined) return false;
    if (!st.isDirectory()) return false;
  }
  const full = path.join(outputDir, normal);
  const st = lstat(full);
  if (st === undefined) return false;
  if (!st.isDirectory()) {
    fs.unlinkSync(full);
    return true;
  }
  const owned = [`${STATE_DIR}/work`, `${STATE_DIR}/incoming`, `${STATE_DIR}/logs`].some(
    (d) => normal === d || normal.startsWith(`${d}/`),
  );
  if (owned) fs.rmSync(full, { recursive: true, force: true });
  else {
    try {
      fs.rmdirSync(full);
    } catch {
      return false;
    }
  }
  return true;
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}
