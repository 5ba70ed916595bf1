import { InputError } from '../errors/index.js';
import { formatYamlIssue, type YamlIssue } from '../yaml/index.js';

/**
 * The pipeline cannot run as written (exit 2). The message names the first problem; `data.issues`
 * holds every one (`FILE:LINE:COL: ...` each, see {@link issueLines}), so a CLI prints them all.
 */
export class PipelineInvalidError extends InputError {
  readonly issues: readonly YamlIssue[];
  readonly source: string;
  constructor(source: string, issues: YamlIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(
      'PIPELINE_INVALID',
      first ? `${formatYamlIssue(source, first)}${more}` : `${source}: invalid pipeline`,
      { file: source, issues: issues.map((i) => ({ ...i, text: formatYamlIssue(source, i) })) },
    );
    this.issues = issues;
    this.source = source;
  }

  /** One line per problem, in file order. */
  issueLines(): string[] {
    return this.issues.map((i) => formatYamlIssue(this.source, i));
  }
}
