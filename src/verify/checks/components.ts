/**
 * Components: every contract slot (rock-init as /sbin/init, rock-manager, volcano-agent, busybox)
 * is a non-empty regular file with the exact mode, and something the kernel can execute: ELF (its
 * PT_INTERP present) or a `#!` script whose interpreter is in the image. A symlink is refused even
 * when it resolves: rock-init expects real files at these paths.
 */
import { COMPONENTS, type ComponentSlot } from '../../contract/index.js';
import { interpreterProblem, isElf, scriptInterpreter } from '../exec-model.js';
import type { CheckResult, ImageTree } from '../types.js';
import { describe, failure, locate, octal, Tally } from './helpers.js';

/** Names the place a misnamed component was found at, e.g. `/sbin/rock-init`, if any. */
function strayCopies(tree: ImageTree, slot: ComponentSlot): string[] {
  const stray: string[] = [];
  for (const node of tree.nodes.values()) {
    if (node.path !== slot.path && node.path.endsWith(`/${slot.component}`)) stray.push(node.path);
  }
  return stray;
}

function firstBytes(data: Uint8Array): string {
  const head = Buffer.from(data.subarray(0, 4));
  return `bytes ${head.toString('hex').replace(/(..)(?!$)/g, '$1 ')}`;
}

/** Runs the component checks; see the file comment for what each refuses. */
export function checkComponents(tree: ImageTree): CheckResult {
  const t = new Tally();
  for (const slot of COMPONENTS) {
    const { node } = locate(tree, slot.path);
    const what = `${slot.component} (--${slot.role})`;
    const present = t.expect(node !== undefined, () => {
      const stray = strayCopies(tree, slot);
      const found = stray.length
        ? `nothing (${slot.component} is at ${stray.join(', ')}; it must be installed as ${slot.path})`
        : 'nothing';
      return failure('component.missing', slot.path, what, 'a regular file', found);
    });
    if (!present || !node) continue;
    const isFile = t.expect(node.type === 'file', () =>
      failure('component.type', slot.path, what, 'a regular file', describe(node)),
    );
    if (!isFile) continue;
    t.expect(node.perm === slot.mode, () =>
      failure('component.mode', slot.path, 'mode', octal(slot.mode), octal(node.perm)),
    );
    const nonEmpty = t.expect(node.size > 0, () =>
      failure('component.empty', slot.path, what, 'a non-empty file', '0 bytes'),
    );
    if (!nonEmpty) continue;
    const runnable = t.expect(isElf(node.data) || scriptInterpreter(node.data) !== null, () =>
      failure(
        'component.format',
        slot.path,
        'format',
        'an ELF executable or a #! script',
        firstBytes(node.data),
      ),
    );
    if (!runnable) continue;
    const problem = interpreterProblem(tree, node.data);
    t.expect(problem === null, () =>
      failure(
        'component.interpreter',
        slot.path,
        'interpreter',
        'an interpreter inside the image that runs',
        problem?.why ?? '',
      ),
    );
  }
  return t.result();
}
