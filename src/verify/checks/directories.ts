/**
 * Directories: every contract directory is declared by the image itself (the kernel's built-in
 * `/dev` does not count: other kernels have none) and is a real directory (not a symlink to one):
 * rock-init mounts and writes there, so these fail. The contract's mode (`/tmp` is 01777) is policy:
 * an image with `/tmp` 0755 boots (rock-init runs as root), so a mode that differs is a warning.
 */
import { DIRECTORIES } from '../../contract/index.js';
import type { CheckResult, ImageTree } from '../types.js';
import { describe, failure, fromImage, locate, octal, Tally } from './helpers.js';

/** Runs up to three checks per contract directory. */
export function checkDirectories(tree: ImageTree): CheckResult {
  const t = new Tally();
  for (const dir of DIRECTORIES) {
    const { node } = locate(tree, dir.path);
    const declared = t.expect(node !== undefined && fromImage(node), () =>
      failure(
        'directory.missing',
        dir.path,
        'directory',
        'a directory in the image',
        node ? "only the kernel's built-in initramfs has it" : 'nothing',
      ),
    );
    if (!declared || !node) continue;
    const isDir = t.expect(node.type === 'directory', () =>
      failure('directory.type', dir.path, 'directory', 'a directory', describe(node)),
    );
    if (!isDir) continue;
    t.expect(
      node.perm === dir.mode,
      () => failure('directory.mode', dir.path, 'mode', octal(dir.mode), octal(node.perm)),
      'warning',
    );
  }
  return t.result();
}
