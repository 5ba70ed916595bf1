/** One problem in a YAML file, at a 1-based line and column. */
export interface YamlIssue {
  line: number;
  column: number;
  /** Dotted path of the field (`stages[2].depends[0]`); empty for the whole document. */
  path: string;
  /** What was expected and what was found. */
  message: string;
  /** `yaml:<code>` for syntax errors, the zod issue code, or the caller's own code. */
  code: string;
}

/** A path into the document, as zod reports it. */
export type YamlPath = readonly (string | number)[];

/** A 1-based position in the text. */
export interface YamlPosition {
  line: number;
  column: number;
}

/** Finds positions in a parsed document. */
export interface YamlLocator {
  /** The position of the node at `path` (or of its deepest existing ancestor). */
  at(path: YamlPath): YamlPosition;
  /** The position of key `key` of the mapping at `path` (the mapping's own when the key is absent). */
  key(path: YamlPath, key: string | undefined): YamlPosition;
  /** The position of `needle` inside the scalar at `path` (its first occurrence), else the scalar's. */
  inside(path: YamlPath, needle: string): YamlPosition;
  /** An issue placed at the node at `path`. */
  issue(path: YamlPath, message: string, code: string): YamlIssue;
}

/** `stages[2].depends[0]` from `['stages', 2, 'depends', 0]`. */
export function dottedPath(path: YamlPath): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`),
    '',
  );
}

/** Sorts issues by line, then column. */
export function sortIssues(issues: readonly YamlIssue[]): YamlIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `pipeline.yaml:4:3: stages[0].depends[0]: expected ..., got ...`. */
export function formatYamlIssue(source: string, issue: YamlIssue): string {
  return `${source}:${issue.line}:${issue.column}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}
