/**
 * Busybox applets: `/bin/sh` (the one rock-init needs) and every other contract applet is a link
 * that resolves to the busybox binary (busybox picks the applet from argv[0]). A symlink is the
 * contract's form; a hard link to the same file is accepted, since it runs the same way.
 */
import { BUSYBOX_PATH } from '../../contract/index.js';
import { parentPath } from '../path-walk.js';
import type { CheckResult, ImageTree } from '../types.js';
import { appletPaths } from './contract-paths.js';
import { describe, failure, locate, Tally } from './helpers.js';

/** Runs the applet link checks. */
export function checkBusybox(tree: ImageTree): CheckResult {
  const t = new Tally();
  const busybox = locate(tree, BUSYBOX_PATH, true);
  const name = BUSYBOX_PATH.slice(BUSYBOX_PATH.lastIndexOf('/') + 1);
  for (const path of appletPaths()) {
    const shortTarget = parentPath(path) === parentPath(BUSYBOX_PATH) ? name : BUSYBOX_PATH;
    const expected = `a symlink to ${shortTarget} (resolving to ${BUSYBOX_PATH})`;
    const { node } = locate(tree, path);
    const resolved = locate(tree, path, true);
    let found = describe(node);
    let ok = false;
    if (node && busybox.node) {
      if (node.type === 'symlink') {
        ok = resolved.node?.path === busybox.node.path;
        const to = resolved.walk.ok ? resolved.walk.path : `${resolved.walk.error} at ${resolved.walk.at}`;
        if (!ok) found = `${found} (resolving to ${to})`;
      } else {
        ok = node.inode === busybox.node.inode;
      }
    } else if (node) {
      found = `${found}, but ${BUSYBOX_PATH} is missing`;
    }
    t.expect(ok, () => failure('busybox.applet', path, 'busybox applet link', expected, found));
  }
  return t.result();
}
