import { YamlInvalidError, type YamlIssue } from '../yaml/index.js';

/**
 * The pipeline cannot run as written (exit 2, code PIPELINE_INVALID). The message names the first
 * problem; `data.issues` and {@link YamlInvalidError.issueLines} give every one, so a CLI prints them all.
 */
export class PipelineInvalidError extends YamlInvalidError {
  constructor(source: string, issues: YamlIssue[]) {
    super('PIPELINE_INVALID', source, issues);
    this.name = 'PipelineInvalidError';
  }
}
