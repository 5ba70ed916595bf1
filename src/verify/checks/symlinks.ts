/**
 * Symlinks: every link in the image resolves inside it. Absolute targets are resolved against the
 * image root (normal in an initramfs); a relative target climbing above the root resolves at the
 * root in the kernel but escapes when the image is extracted elsewhere. Dangling links, loops and
 * escapes are failures on contract paths and warnings elsewhere.
 */

import { treeLookup } from '../exec-model.js';
import { walkPath } from '../path-walk.js';
import type { CheckResult, ImageTree } from '../types.js';
import { contractPaths } from './contract-paths.js';
import { failure, Tally } from './helpers.js';

/** Runs one check per symlink. */
export function checkSymlinks(tree: ImageTree): CheckResult {
  const t = new Tally();
  const contract = contractPaths();
  const lookup = treeLookup(tree);
  for (const node of tree.nodes.values()) {
    if (node.type !== 'symlink') continue;
    const severity = contract.has(node.path) ? 'failure' : 'warning';
    const walk = walkPath(lookup, node.path, { followFinal: true });
    const target = node.linkTarget ?? '';
    const expected = 'a target inside the image';
    if (!walk.ok) {
      const rule = walk.error === 'ELOOP' ? 'symlink.loop' : 'symlink.dangling';
      const why = walk.error === 'ELOOP' ? 'a loop (ELOOP)' : `dangling: ${walk.error} at ${walk.at}`;
      t.expect(false, () => failure(rule, node.path, 'symlink', expected, `${target} (${why})`), severity);
    } else {
      t.expect(
        !walk.escaped,
        () => failure('symlink.escapes', node.path, 'symlink', expected, `${target} (climbs above the root)`),
        severity,
      );
    }
  }
  return t.result();
}
