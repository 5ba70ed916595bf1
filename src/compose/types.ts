/** How a stage ended. */
export type StageStatus = 'succeeded' | 'failed' | 'skipped' | 'cached';

/** One stage of a run's result (the `--json` shape). */
export interface StageResult {
  name: string;
  status: StageStatus;
  /** The last attempt's exit code; null when it did not run or was killed by a signal. */
  exit_code: number | null;
  duration_ms: number;
  /** The stage's log file, when it ran. */
  log: string | null;
  /** Why it failed, was skipped or cached; null for a plain success. */
  reason: string | null;
}

/** The result of a run. */
export interface RunResult {
  pipeline: string;
  run_id: string;
  /** `.rock/runs/<run-id>/`. */
  run_dir: string;
  stages: StageResult[];
  /** No stage failed (except those with continue_on_error) and the run was not interrupted. */
  ok: boolean;
  interrupted: boolean;
}

/** Progress of a run, for a task list. */
export type RunEvent =
  | { type: 'start'; stage: string; attempt: number }
  | { type: 'end'; result: StageResult };
