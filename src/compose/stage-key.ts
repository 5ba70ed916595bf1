/**
 * A stage's cache key parts, computed when its dependencies are done: the content and relative path
 * of every input, the fully expanded definition, the tool's version, the values of the variables it
 * uses (as digests; "unset" never equals "empty"), and the outputs of its dependencies.
 */
import { digestOf, fingerprint } from './fingerprint.js';
import type { Invocation } from './invocation.js';
import type { KeyParts } from './stamps.js';
import type { PipelineStage } from './validate-pipeline.js';

/**
 * True when the stage can be skipped as up to date at all: it declares inputs or outputs, and no
 * secret is involved (a stage that captures or uses a secret always runs, so no digest of a secret
 * is ever written into a stamp).
 */
export function isCacheable(stage: PipelineStage, secrets: ReadonlySet<string>): boolean {
  if (stage.capture?.secret || [...stage.uses].some((v) => secrets.has(v))) return false;
  return (stage.spec.inputs?.length ?? 0) + (stage.spec.outputs?.length ?? 0) > 0;
}

/** The parts of the key; `dependencyOutputs` holds the digest of each finished dependency's outputs. */
export async function keyParts(
  stage: PipelineStage,
  invocation: Invocation,
  values: ReadonlyMap<string, string>,
  dependencyOutputs: ReadonlyMap<string, string>,
  pipelineDir: string,
): Promise<KeyParts> {
  const variables: Record<string, string> = {};
  for (const name of [...stage.uses].sort()) variables[name] = digestOf(values.get(name) ?? null);
  const dependencies: Record<string, string> = {};
  for (const dep of [...stage.depends].sort()) {
    const digest = dependencyOutputs.get(dep);
    if (digest !== undefined) dependencies[dep] = digest;
  }
  return {
    definition: digestOf(invocation.definition),
    tool: invocation.toolVersion,
    inputs: await fingerprint(invocation.inputs, invocation.cwd, pipelineDir),
    variables,
    dependencies,
  };
}
