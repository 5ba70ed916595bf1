import type { ConfigIssue } from './parse.js';

/** `node.yaml:4:3: network.mtu: expected an integer MTU 1280-9000, got 100`. */
export function formatIssue(source: string, issue: ConfigIssue): string {
  return `${source}:${issue.line}:${issue.column}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}
