import { InputError } from '../errors/index.js';
import { formatYamlIssue, type YamlIssue } from './types.js';

/**
 * A YAML file that does not validate (exit 2). `data.issues` holds every problem, each also as its
 * `FILE:LINE:COL: ...` text; the message is the first, with a count of the rest (or all of them,
 * joined by `; `, when `allInMessage`).
 */
export class YamlInvalidError extends InputError {
  readonly issues: readonly YamlIssue[];
  readonly source: string;
  constructor(code: string, source: string, issues: YamlIssue[], allInMessage = false) {
    const lines = issues.map((i) => formatYamlIssue(source, i));
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    const message = allInMessage ? lines.join('; ') : `${lines[0] ?? `${source}: invalid`}${more}`;
    super(code, message, { file: source, issues: issues.map((i, n) => ({ ...i, text: lines[n] })) });
    this.issues = issues;
    this.source = source;
  }

  /** One line per problem, in file order. */
  issueLines(): string[] {
    return this.issues.map((i) => formatYamlIssue(this.source, i));
  }
}
