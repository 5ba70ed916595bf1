/**
 * Device nodes: each contract node is declared by the image as a char device with the exact
 * major:minor and mode. The image's own record counts, not only the tree: the kernel keeps its
 * built-in `/dev/console` (c 5:1) when the image's mknod fails with EEXIST, so a wrong number in
 * the image is hidden on kernels with a built-in initramfs and fatal on the others.
 */
import { DEVICE_NODES } from '../../contract/index.js';
import type { CheckResult, ImageTree } from '../types.js';
import { describe, failure, fromImage, locate, octal, Tally } from './helpers.js';

/** Runs up to four checks per contract device node. */
export function checkDevices(tree: ImageTree): CheckResult {
  const t = new Tally();
  for (const dev of DEVICE_NODES) {
    const { node } = locate(tree, dev.path);
    const expectedKind = `a ${dev.type.replace('-', ' ')} ${dev.major}:${dev.minor}`;
    const declared = t.expect(node !== undefined && fromImage(node), () =>
      failure(
        'device.missing',
        dev.path,
        'device node',
        `${expectedKind} in the image`,
        node ? "only the kernel's built-in initramfs has it" : 'nothing',
      ),
    );
    if (!declared || !node) continue;
    const typed = t.expect(node.type === dev.type, () =>
      failure('device.type', dev.path, 'device node', expectedKind, describe(node)),
    );
    if (!typed) continue;
    // The numbers the image asked for: a kept-existing note carries the record the kernel ignored.
    const ignored = tree.notes.find(
      (n) =>
        n.kind === 'kept-existing' &&
        n.path === node.path &&
        n.origin.segment === node.origin.segment &&
        n.origin.offset === node.origin.offset,
    );
    const major = ignored ? ignored.info.rdevMajor : node.rdevMajor;
    const minor = ignored ? ignored.info.rdevMinor : node.rdevMinor;
    t.expect(major === dev.major && minor === dev.minor, () =>
      failure(
        'device.numbers',
        dev.path,
        'device numbers',
        `${dev.major}:${dev.minor}`,
        ignored
          ? `${major}:${minor} (hidden only by a kernel whose built-in initramfs has ${node.rdevMajor}:${node.rdevMinor})`
          : `${major}:${minor}`,
      ),
    );
    // Policy: rock-init runs as root, which any mode lets through; the image boots (a warning).
    t.expect(
      node.perm === dev.mode,
      () => failure('device.mode', dev.path, 'mode', octal(dev.mode), octal(node.perm)),
      'warning',
    );
  }
  return t.result();
}
