/**
 * Small shared pieces of the contract checks: building a {@link CheckFailure} with its one-line
 * message, counting checks, describing what was found, and finding a contract path in the tree.
 */

import { treeLookup } from '../exec-model.js';
import { isBuiltinOrigin } from '../kernel-builtin.js';
import { type WalkResult, walkPath } from '../path-walk.js';
import type { CheckFailure, CheckResult, ImageNode, ImageTree } from '../types.js';

/** Builds a failure; the message is `<path>: <what>: expected <x>, found <y>`. */
export function failure(
  rule: string,
  path: string,
  what: string,
  expected: string,
  found: string,
): CheckFailure {
  return { rule, path, expected, found, message: `${path}: ${what}: expected ${expected}, found ${found}` };
}

/** Permission bits as the contract writes them: `0755`, `01777`. */
export function octal(perm: number): string {
  return `0${perm.toString(8).padStart(3, '0')}`;
}

/** What a node is, in words: `a directory`, `a symlink to busybox`, `a char device 5:2`, `nothing`. */
export function describe(node: ImageNode | undefined): string {
  if (!node) return 'nothing';
  switch (node.type) {
    case 'symlink':
      return `a symlink to ${node.linkTarget ?? ''}`;
    case 'char-device':
    case 'block-device':
      return `a ${node.type.replace('-', ' ')} ${node.rdevMajor}:${node.rdevMinor}`;
    case 'file':
      return 'a regular file';
    default:
      return `a ${node.type}`;
  }
}

/** True when the image itself declared this node (not only the kernel's built-in initramfs). */
export function fromImage(node: ImageNode): boolean {
  return !isBuiltinOrigin(node.origin);
}

/** Finds what a contract path names: parents resolved like the kernel does, the last component as asked. */
export function locate(
  tree: ImageTree,
  path: string,
  followFinal = false,
): { node?: ImageNode; walk: WalkResult } {
  const walk = walkPath(treeLookup(tree), path, { followFinal });
  return walk.ok ? { node: tree.nodes.get(walk.path), walk } : { walk };
}

/** Collects failures and warnings and counts the checks run. */
export class Tally {
  readonly failures: CheckFailure[] = [];
  readonly warnings: CheckFailure[] = [];
  checked = 0;

  /** Counts one check; records the failure (built lazily) when `ok` is false. Returns `ok`. */
  expect(ok: boolean, fail: () => CheckFailure, severity: 'failure' | 'warning' = 'failure'): boolean {
    this.checked += 1;
    if (!ok) (severity === 'failure' ? this.failures : this.warnings).push(fail());
    return ok;
  }

  result(): CheckResult {
    return { failures: this.failures, warnings: this.warnings, checked: this.checked };
  }
}
