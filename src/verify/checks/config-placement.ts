/**
 * Configuration lives only in the contract's configuration directories: a file named like the
 * config key anywhere else is a stray copy of a secret (and not the one rock-init reads).
 */
import { CONFIG_DIRS, CONFIG_KEY_PATH } from '../../contract/index.js';
import { parentPath } from '../path-walk.js';
import type { CheckResult, ImageTree } from '../types.js';
import { failure, locate, Tally } from './helpers.js';

/** Runs one check per file named like the key (at least one check). */
export function checkConfigPlacement(tree: ImageTree): CheckResult {
  const t = new Tally();
  const keyName = CONFIG_KEY_PATH.slice(CONFIG_KEY_PATH.lastIndexOf('/') + 1);
  // Real locations of the allowed directories (a symlinked /etc still counts as /etc).
  const allowed = new Set(CONFIG_DIRS.map((d) => locate(tree, d, true).node?.path ?? d));
  let seen = 0;
  for (const node of tree.nodes.values()) {
    if (node.type === 'directory' || !node.path.endsWith(`/${keyName}`)) continue;
    seen += 1;
    t.expect(allowed.has(parentPath(node.path)), () =>
      failure(
        'config-key.misplaced',
        node.path,
        'config key',
        `only in ${CONFIG_DIRS.join(' or ')}`,
        `a copy at ${node.path}`,
      ),
    );
  }
  if (seen === 0) t.checked += 1;
  return t.result();
}
