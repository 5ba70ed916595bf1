/**
 * Up-to-date stamps, one file per stage under `<state>/stamps/`, written atomically and only after
 * the stage succeeded (go-task #1178 wrote its stamp before the commands ran). A stamp holds the
 * stage's key, the parts it was made of (as digests, never values, so no secret lands on disk) and
 * the fingerprint of its outputs, so a deleted or edited output reruns the stage (go-task #2181).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { makeDirs } from '../util/make-dirs.js';
import { digestOf, type Fingerprint } from './fingerprint.js';

/** What a stage's key is made of. */
export interface KeyParts {
  definition: string;
  tool: string;
  inputs: Fingerprint;
  /** Variable name -> digest of its value. */
  variables: Record<string, string>;
  /** Dependency name -> digest of its outputs' fingerprint. */
  dependencies: Record<string, string>;
}

/** A stamp file's content. */
export interface Stamp {
  version: 1;
  stage: string;
  key: string;
  parts: KeyParts;
  outputs: Fingerprint;
  /** The value the stage captured (never for a secret capture: such a stage always runs). */
  captured?: string;
  run: string;
}

/** The key of a stage: one digest of its parts. */
export function stageKey(parts: KeyParts): string {
  return digestOf(parts);
}

function stampPath(stateDir: string, stage: string): string {
  return join(stateDir, 'stamps', `${stage}.json`);
}

/** The last successful run's stamp, or undefined (absent or unreadable: the stage runs). */
export function readStamp(stateDir: string, stage: string): Stamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(stampPath(stateDir, stage), 'utf8')) as Stamp;
    return stamp.version === 1 && typeof stamp.key === 'string' ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a stamp by rename: an interrupted write leaves the old stamp or none, never half of one. */
export async function writeStamp(stateDir: string, stamp: Stamp): Promise<void> {
  makeDirs(join(stateDir, 'stamps'));
  await writeFileAtomic(stampPath(stateDir, stamp.stage), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Why a stage is not up to date, in words (turborepo #3142: say why it missed), or undefined when it is. */
export function staleReason(
  stamp: Stamp | undefined,
  parts: KeyParts,
  outputs: Fingerprint | undefined,
): string | undefined {
  if (!stamp) return 'no successful run recorded';
  const old = stamp.parts;
  if (old.definition !== parts.definition) return 'its definition changed';
  if (old.tool !== parts.tool) return 'the tool changed';
  const changed = diff(old.inputs, parts.inputs);
  if (changed) return `input ${changed}`;
  const variable = diff(old.variables, parts.variables);
  if (variable) return `variable ${variable}`;
  const dep = diff(old.dependencies, parts.dependencies);
  if (dep) return `the outputs of '${dep.replace(/ .*/, '')}' changed`;
  if (stamp.key !== stageKey(parts)) return 'its key changed';
  if (outputs === undefined) return undefined;
  const out = diff(stamp.outputs, outputs);
  return out ? `output ${out}` : undefined;
}

function diff(before: Record<string, string>, after: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(after)) {
    if (!(k in before)) return `${k} added`;
    if (before[k] !== v) return v === 'absent' ? `${k} missing` : `${k} changed`;
  }
  for (const k of Object.keys(before)) if (!(k in after)) return `${k} removed`;
  return undefined;
}
