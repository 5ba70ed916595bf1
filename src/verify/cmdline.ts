/**
 * Command lines: does this command line plus this image reach rock-init as PID 1?
 *
 * Parsing follows lib/cmdline.c next_arg and kernel/params.c parse_args; the choice of PID 1
 * follows init/main.c (rdinit_setup, init_setup, kernel_init_freeable, kernel_init).
 */
import { INIT_LINK, INIT_PATH, KERNEL_DEFAULT_RDINIT, KERNEL_FALLBACK_INITS } from '../contract/index.js';
import { execOutcome, treeLookup } from './exec-model.js';
import { walkPath } from './path-walk.js';
import type { CmdlineVerdict, ImageTree } from './types.js';

/** One kernel parameter: `name=value`, or a bare `name` (value null). */
export interface KernelParam {
  name: string;
  value: string | null;
}

/** A parsed command line: the kernel's parameters, and what follows `--` (handed to init). */
export interface ParsedCmdline {
  params: KernelParam[];
  initArgs: string[];
}

/** The kernel's isspace() for ASCII (lib/ctype.c). */
const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);

const VFS_PANIC = 'panic with "VFS: Unable to mount root fs on unknown-block(0,0)"';

/**
 * Splits a command line as the kernel does: whitespace separates parameters, a double quote
 * protects spaces, a quote opening the value or the whole parameter is dropped with its closing
 * quote, and a bare `--` ends the kernel's parameters. Never refuses anything (neither does the kernel).
 * @example parseKernelCmdline('console=ttyS0 rdinit="/sbin/init" -- x') // params: console, rdinit; initArgs: ['x']
 */
export function parseKernelCmdline(cmdline: string): ParsedCmdline {
  const params: KernelParam[] = [];
  let i = 0;
  const skip = () => {
    while (isSpace(cmdline[i])) i += 1;
  };
  skip();
  while (i < cmdline.length) {
    let start = i;
    let inQuote = false;
    let quoted = false;
    if (cmdline[i] === '"') {
      start += 1;
      inQuote = true;
      quoted = true;
    }
    let end = start;
    let equals = 0; // next_arg's `equals`: relative index, 0 meaning "none yet"
    for (; end < cmdline.length; end++) {
      const c = cmdline[end];
      if (isSpace(c) && !inQuote) break;
      if (equals === 0 && c === '=') equals = end - start;
      if (c === '"') inQuote = !inQuote;
    }
    let token = cmdline.slice(start, end);
    let valueQuoted = false;
    let name = token;
    let value: string | null = null;
    if (equals !== 0) {
      name = token.slice(0, equals);
      value = token.slice(equals + 1);
      if (value.startsWith('"')) {
        value = value.slice(1);
        valueQuoted = true;
      }
    }
    // The closing quote (args[i-1] == '"') is cut when the value or the whole parameter was quoted.
    if ((valueQuoted || quoted) && token.endsWith('"') && end > start) {
      token = token.slice(0, -1);
      if (value?.endsWith('"')) value = value.slice(0, -1);
      else if (value === null) name = token;
    }
    i = end < cmdline.length ? end + 1 : end;
    skip();
    if (value === null && name === '--') {
      return { params, initArgs: splitRest(cmdline.slice(i)) };
    }
    params.push({ name, value });
  }
  return { params, initArgs: [] };
}

function splitRest(rest: string): string[] {
  return rest.split(/[ \t\n\v\f\r]+/).filter((s) => s !== '');
}

/** The value of the last `name=` parameter (the kernel's __setup handlers overwrite), if any. */
export function lastParam(parsed: ParsedCmdline, name: string): string | undefined {
  let found: string | undefined;
  for (const p of parsed.params) if (p.name === name && p.value !== null) found = p.value;
  return found;
}

/**
 * Decides what the kernel would run as PID 1 with this command line and this image, and whether
 * that is rock-init ({@link INIT_PATH}). The kernel runs `rdinit=` (default `/init`) from the
 * initramfs; if that fails its access check it mounts a root device instead (panic without one);
 * if it exists but cannot be executed, it falls back to `init=`, then to its built-in list.
 * @example analyzeCmdline('console=ttyS0 init=/sbin/init', tree) // reaches false when /init is missing
 */
export function analyzeCmdline(cmdline: string, tree: ImageTree): CmdlineVerdict {
  const parsed = parseKernelCmdline(cmdline);
  const rdinit = lastParam(parsed, 'rdinit');
  const init = lastParam(parsed, 'init');
  const root = lastParam(parsed, 'root');
  const ramdisk = rdinit ?? KERNEL_DEFAULT_RDINIT;
  const source = rdinit === undefined ? `${ramdisk} (the kernel's default rdinit)` : `rdinit=${ramdisk}`;
  const rockInit = walkPath(treeLookup(tree), INIT_PATH, { followFinal: true });
  /** `requested` is the path the kernel execs, `path` the real file that runs. */
  const verdict = (path: string, requested: string, how: string): CmdlineVerdict => {
    const reaches = rockInit.ok && rockInit.path === path;
    const via = path === requested ? how : `${how}, which resolves to ${path}`;
    return {
      reaches,
      pid1: path,
      reason: reaches ? `the kernel runs ${via}: rock-init` : `the kernel runs ${via}, not ${INIT_PATH}`,
    };
  };

  const first = execOutcome(tree, ramdisk);
  if (first.ok) return verdict(first.path, ramdisk, source);
  if (first.stage === 'lookup') {
    // kernel_init_freeable: init_eaccess(ramdisk) failed, so prepare_namespace() mounts root=.
    const fix = `add rdinit=${INIT_PATH} or the ${INIT_LINK.path} link`;
    if (root !== undefined) {
      return {
        reaches: false,
        pid1: null,
        reason: `${source} cannot run (${first.why}): the kernel would mount root=${root} and run init from it, not from the image; ${fix}`,
      };
    }
    if (rdinit === undefined && init !== undefined && first.errno === 'ENOENT') {
      return {
        reaches: false,
        pid1: null,
        reason: `no ${KERNEL_DEFAULT_RDINIT} in the image and only init= on the command line: the kernel would try to mount a root device and ${VFS_PANIC}; ${fix}`,
      };
    }
    return {
      reaches: false,
      pid1: null,
      reason: `${source} cannot run (${first.why}): the kernel would try to mount a root device and ${VFS_PANIC}; ${fix}`,
    };
  }
  // kernel_init: "Failed to execute <ramdisk>", then init= (still in the initramfs), then the list.
  const failed = `${source} exists but cannot be executed (${first.why})`;
  if (init !== undefined) {
    const second = execOutcome(tree, init);
    if (second.ok) return verdict(second.path, init, `init=${init} after ${failed}`);
    return {
      reaches: false,
      pid1: null,
      reason: `${failed}, and init=${init} cannot run (${second.why}): panic "Requested init ${init} failed"`,
    };
  }
  for (const candidate of KERNEL_FALLBACK_INITS) {
    const tried = execOutcome(tree, candidate);
    if (tried.ok) return verdict(tried.path, candidate, `the fallback ${candidate} after ${failed}`);
  }
  return {
    reaches: false,
    pid1: null,
    reason: `${failed}, and no fallback init runs: panic "No working init found"`,
  };
}
