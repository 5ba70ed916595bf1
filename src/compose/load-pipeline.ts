import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { fsError } from '../util/fs-errors.js';
import { type ValidatedPipeline, validatePipeline } from './validate-pipeline.js';

/** Reads and validates a pipeline file (relative to the context's cwd). Throws InputError (exit 2). */
export function loadPipeline(
  file: string,
  context: Pick<CommandContext, 'cwd' | 'env'>,
  vars: Readonly<Record<string, string>> = {},
): ValidatedPipeline {
  let text: string;
  try {
    text = readFileSync(resolve(context.cwd, file), 'utf8');
  } catch (err) {
    throw fsError(err, file, 'cannot read the pipeline', 'PIPELINE_UNREADABLE');
  }
  return validatePipeline(text, { source: file, cwd: context.cwd, env: context.env, vars });
}
