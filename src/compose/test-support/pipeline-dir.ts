import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testContext } from '../../cli/context.js';
import { type RunPipelineOptions, runPipeline } from '../run-pipeline.js';
import type { RunResult } from '../types.js';

/** A temporary directory holding a pipeline and its helper scripts. */
export interface PipelineDir {
  dir: string;
  write(name: string, text: string): string;
  run(options?: Partial<RunPipelineOptions>, env?: NodeJS.ProcessEnv): Promise<RunResult>;
  status(result: RunResult): Record<string, string>;
  remove(): void;
}

/** Makes a directory with `pipeline.yaml` = `yaml`. */
export function pipelineDir(yaml: string): PipelineDir {
  const dir = mkdtempSync(join(tmpdir(), 'rock-compose-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  write('pipeline.yaml', yaml);
  return {
    dir,
    write,
    run: (options = {}, env = {}) =>
      runPipeline(
        { file: 'pipeline.yaml', ...options },
        testContext({ cwd: dir, env: { PATH: process.env.PATH, ...env } }),
      ),
    status: (result) => Object.fromEntries(result.stages.map((s) => [s.name, s.status])),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
