/**
 * What rock-build produced in an output directory, so `clean` removes exactly that and nothing
 * else: `<output dir>/.rock-build/state.json` lists every file and directory it wrote, and the last
 * build of each component. `components.lock.json` is derived from it. Both are written by rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { makeDirs } from '../util/make-dirs.js';
import type { OutputFacts } from './check-output.js';
import type { KeyDocument } from './component-key.js';

/** rock-build's own directory inside the output directory (logs, build directories, state). */
export const STATE_DIR = '.rock-build';
export const STATE_FILE = `${STATE_DIR}/state.json`;
export const LOCK_FILE = 'components.lock.json';

/** The last successful build of one component. */
export interface ComponentRecord {
  /** The output's name in the output directory (the role's contract name, or the component's). */
  file: string;
  role?: string;
  install?: string;
  sha256: string;
  size: number;
  key: string;
  /** Taken from the cache rather than built. */
  cached: boolean;
  facts: OutputFacts;
  /** ISO time of the build (state only; the lock file has no times). */
  builtAt: string;
  /** What the key was made of, to say why a later build missed the cache. */
  keyDocument: KeyDocument;
}

/** The state file. */
export interface BuildState {
  version: 1;
  components: Record<string, ComponentRecord>;
  /** Paths relative to the output directory that rock-build created, files and directories. */
  produced: string[];
}

/** Reads the state of `outputDir` (empty when there is none). */
export function readState(outputDir: string): BuildState {
  const file = path.join(outputDir, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, components: {}, produced: [] };
    throw err;
  }
  try {
    const state = JSON.parse(text) as BuildState;
    if (state.version !== 1 || typeof state.components !== 'object' || !Array.isArray(state.produced)) {
      throw new Error('unexpected layout');
    }
    return state;
  } catch (err) {
    throw new InputError(
      'BUILD_STATE_INVALID',
      `${file}: expected rock-build's state (version 1), found ${String(err)}`,
      {
        file,
      },
    );
  }
}

/** Adds produced paths (relative to the output directory) once. */
export function track(state: BuildState, ...relative: string[]): void {
  for (const r of relative) if (!state.produced.includes(r)) state.produced.push(r);
}

/** Writes the state and the lock file derived from it. */
export async function writeState(outputDir: string, state: BuildState): Promise<void> {
  makeDirs(path.join(outputDir, STATE_DIR));
  track(state, STATE_DIR, STATE_FILE, LOCK_FILE);
  state.produced.sort();
  await writeFileAtomic(path.join(outputDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, {
    mode: 0o644,
  });
  await writeFileAtomic(path.join(outputDir, LOCK_FILE), `${JSON.stringify(lockOf(state), null, 2)}\n`, {
    mode: 0o644,
  });
}

/** The lock file's content: each output's name, sha256, key and origin, sorted by component. */
export function lockOf(state: BuildState): {
  version: 1;
  components: Record<string, Omit<ComponentRecord, 'builtAt' | 'keyDocument'>>;
} {
  const components: Record<string, Omit<ComponentRecord, 'builtAt' | 'keyDocument'>> = {};
  for (const name of Object.keys(state.components).sort()) {
    const { builtAt: _t, keyDocument: _k, ...rest } = state.components[name] as ComponentRecord;
    components[name] = rest;
  }
  return { version: 1, components };
}
