export { COMPOSE_ERROR_CODES, type ComposeErrorCode } from './error-codes.js';
export { PipelineInvalidError } from './errors.js';
export { PIPELINE_SCHEMA_FILE, pipelineJsonSchema } from './json-schema.js';
export { type ListedPipeline, listPipelines } from './list-pipelines.js';
export { loadPipeline } from './load-pipeline.js';
export { logTail } from './log-tail.js';
export { parseVarAssignments } from './parse-vars.js';
export { type Plan, type PlanAction, type PlannedStage, type PlanOptions, planPipeline } from './plan.js';
export { type GraphFormat, renderGraph } from './render-graph.js';
export { type RunPipelineOptions, runPipeline } from './run-pipeline.js';
export { type CaptureSpec, type Pipeline, pipelineSchema, type Stage, stageSchema } from './schema.js';
export type { RunEvent, RunResult, StageResult, StageStatus } from './types.js';
export {
  type PipelineStage,
  type ValidatedPipeline,
  type ValidatePipelineOptions,
  validatePipeline,
} from './validate-pipeline.js';
