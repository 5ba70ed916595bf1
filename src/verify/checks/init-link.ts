/**
 * The init link: `/init -> sbin/init`, the kernel's default rdinit reaching rock-init, so that
 * even a command line with only `init=/sbin/init` boots (init/main.c runs rdinit, default /init,
 * from the initramfs; `init=` alone is looked up on a root device that does not exist).
 * Without it the image boots only with `rdinit=`: a failure, or a warning when the given command
 * line reaches rock-init by itself.
 */
import { INIT_LINK, INIT_PATH } from '../../contract/index.js';
import { analyzeCmdline } from '../cmdline.js';
import type { CheckResult, ImageTree, VerifyOptions } from '../types.js';
import { describe, failure, locate, Tally } from './helpers.js';

/** Runs the init link check (one check). */
export function checkInitLink(tree: ImageTree, options: VerifyOptions = {}): CheckResult {
  const t = new Tally();
  const { path, target } = INIT_LINK;
  const { node } = locate(tree, path);
  const resolved = locate(tree, path, true);
  const init = locate(tree, INIT_PATH, true);
  const ok =
    node !== undefined &&
    init.node !== undefined &&
    resolved.node !== undefined &&
    resolved.node.type === 'file' &&
    (node.type === 'symlink' ? resolved.node.path === init.node.path : node.inode === init.node.inode);
  let found = describe(node);
  if (node?.type === 'symlink' && !ok) {
    found += resolved.walk.ok
      ? ` (resolving to ${resolved.walk.path})`
      : ` (${resolved.walk.error} at ${resolved.walk.at})`;
  } else if (node && !init.node) {
    found += `, but ${INIT_PATH} is missing`;
  }
  const saved = options.cmdline !== undefined && analyzeCmdline(options.cmdline, tree).reaches;
  const expected = `a symlink to ${target} (resolving to ${INIT_PATH})`;
  t.expect(ok, () => failure('init.link', path, 'init link', expected, found), saved ? 'warning' : 'failure');
  return t.result();
}
