/** Owners: every contract path the image declares belongs to root (0:0); rock-init runs as root. */
import type { CheckResult, ImageTree } from '../types.js';
import { contractPaths } from './contract-paths.js';
import { failure, fromImage, locate, Tally } from './helpers.js';

/** Runs one check per contract path present in the image. */
export function checkOwners(tree: ImageTree): CheckResult {
  const t = new Tally();
  for (const path of contractPaths()) {
    const { node } = locate(tree, path);
    if (!node || !fromImage(node)) continue;
    // Policy: nobody but root exists at boot and the owner stops nothing from running (a warning).
    t.expect(
      node.uid === 0 && node.gid === 0,
      () => failure('owner.root', path, 'owner', '0:0', `${node.uid}:${node.gid}`),
      'warning',
    );
  }
  return t.result();
}
