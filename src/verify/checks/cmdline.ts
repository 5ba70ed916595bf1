/** The command line given with `--cmdline` must make the kernel run rock-init as PID 1. */
import { INIT_PATH, KERNEL_DEFAULT_RDINIT } from '../../contract/index.js';
import { analyzeCmdline, lastParam, parseKernelCmdline } from '../cmdline.js';
import type { CheckResult, ImageTree, VerifyOptions } from '../types.js';
import { failure, Tally } from './helpers.js';

/** One check when a command line is given, none otherwise. */
export function checkCmdline(tree: ImageTree, options: VerifyOptions = {}): CheckResult {
  const t = new Tally();
  if (options.cmdline === undefined) return t.result();
  const verdict = analyzeCmdline(options.cmdline, tree);
  const path = lastParam(parseKernelCmdline(options.cmdline), 'rdinit') ?? KERNEL_DEFAULT_RDINIT;
  t.expect(verdict.reaches, () =>
    failure('cmdline.unreachable', path, 'command line', `PID 1 to be ${INIT_PATH}`, verdict.reason),
  );
  return t.result();
}
