/**
 * The pipelines in a directory: every `*.yaml`/`*.yml` file whose top level has `stages:`, with its
 * name, description and stage count; a file that fails validation is listed with its first problem.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { CommandContext } from '../cli/context.js';
import { fsError } from '../util/fs-errors.js';
import { PipelineInvalidError } from './errors.js';
import { validatePipeline } from './validate-pipeline.js';

/** One pipeline file found by {@link listPipelines}. */
export interface ListedPipeline {
  file: string;
  name: string;
  description: string | null;
  stages: number;
  /** The first validation problem, when the file does not validate. */
  problem: string | null;
}

/**
 * Lists the pipelines directly inside `dir` (relative to the context's cwd; default `pipelines/` when
 * it exists, else the cwd itself), sorted by file name.
 */
export function listPipelines(
  dir: string | undefined,
  context: Pick<CommandContext, 'cwd' | 'env'>,
): ListedPipeline[] {
  const abs = join(context.cwd, dir ?? (existsSync(join(context.cwd, 'pipelines')) ? 'pipelines' : '.'));
  let names: string[];
  try {
    names = readdirSync(abs)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch (err) {
    throw fsError(err, dir ?? '.', 'cannot list pipelines');
  }
  const found: ListedPipeline[] = [];
  for (const name of names) {
    const file = relative(context.cwd, join(abs, name)) || name;
    const text = readFileSync(join(abs, name), 'utf8');
    const top = parseDocument(text).toJS() as unknown;
    if (top === null || typeof top !== 'object' || !('stages' in top)) continue;
    try {
      const p = validatePipeline(text, { source: file, cwd: context.cwd, env: context.env });
      found.push({
        file,
        name: p.name,
        description: p.description ?? null,
        stages: p.stages.length,
        problem: null,
      });
    } catch (err) {
      if (!(err instanceof PipelineInvalidError)) throw err;
      const rec = top as { name?: unknown; description?: unknown; stages?: unknown };
      found.push({
        file,
        name: typeof rec.name === 'string' ? rec.name : name.replace(/\.ya?ml$/, ''),
        description: typeof rec.description === 'string' ? rec.description : null,
        stages: Array.isArray(rec.stages) ? rec.stages.length : 0,
        problem: err.message,
      });
    }
  }
  return found;
}
