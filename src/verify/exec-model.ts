/**
 * What execve would do with a path inside the image, as far as the tree can tell: the kernel's
 * init_eaccess (lookup with symlinks followed, then an execute bit) and then the binary formats it
 * knows at that point of boot (ELF with its PT_INTERP, and `#!` scripts, fs/binfmt_script.c).
 */
import { elfInterpreter } from './elf-interp.js';
import { type Lookup, walkPath } from './path-walk.js';
import type { ImageNode, ImageTree } from './types.js';

/** fs/exec.c BINPRM_MAX_RECURSION: how deep `#!` interpreters may nest. */
const MAX_INTERPRETER_DEPTH = 4;
/** fs/binfmt_script.c reads the `#!` line from the first BINPRM_BUF_SIZE bytes. */
const BINPRM_BUF_SIZE = 256;

/** Outcome of {@link execOutcome}. `stage: 'lookup'` is init_eaccess failing; 'exec' is execve failing. */
export type ExecResult =
  | { ok: true; path: string; node: ImageNode }
  | { ok: false; stage: 'lookup' | 'exec'; errno: string; why: string };

/** A {@link Lookup} over a finished tree. */
export function treeLookup(tree: ImageTree): Lookup {
  return (path) => tree.nodes.get(path);
}

/** The `#!` interpreter of a script, or null when the data is no script; '' when the line is empty. */
export function scriptInterpreter(data: Uint8Array): string | null {
  if (data[0] !== 0x23 || data[1] !== 0x21) return null;
  const head = Buffer.from(data.subarray(2, BINPRM_BUF_SIZE)).toString('latin1');
  const line = head.split('\n', 1)[0] ?? '';
  return line.trim().split(/[ \t]/, 1)[0] ?? '';
}

/** True when data begins with the ELF magic `\x7fELF`. */
export function isElf(data: Uint8Array): boolean {
  return data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

/**
 * Says whether `path` could be run as a program from the image, and which real file would run.
 * Refuses (ok: false) a missing path, a symlink loop, a path without an execute bit (stage
 * 'lookup'), and a directory, a non-regular file, an unknown format, a missing ELF or `#!`
 * interpreter (stage 'exec').
 * @example execOutcome(tree, '/init') // { ok: true, path: '/sbin/init', node }
 */
export function execOutcome(tree: ImageTree, path: string, depth = 0): ExecResult {
  const walked = walkPath(treeLookup(tree), path, { followFinal: true });
  if (!walked.ok) {
    return {
      ok: false,
      stage: 'lookup',
      errno: walked.error,
      why: `${path}: ${walked.error} at ${walked.at}`,
    };
  }
  const node = tree.nodes.get(walked.path) as ImageNode;
  const shown = walked.path === path ? path : `${path} (${walked.path})`;
  // init_eaccess: root may search any directory, but runs a non-directory only with an execute bit.
  if (node.type === 'directory') {
    return { ok: false, stage: 'exec', errno: 'EACCES', why: `${shown} is a directory` };
  }
  if ((node.perm & 0o111) === 0) {
    return { ok: false, stage: 'lookup', errno: 'EACCES', why: `${shown} has no execute bit` };
  }
  if (node.type !== 'file')
    return { ok: false, stage: 'exec', errno: 'EACCES', why: `${shown} is a ${node.type}` };
  const problem = interpreterProblem(tree, node.data, depth);
  if (problem) return { ok: false, stage: 'exec', errno: problem.errno, why: `${shown}: ${problem.why}` };
  return { ok: true, path: walked.path, node };
}

/**
 * What keeps a file's content from running: null when it is ELF (with its PT_INTERP present and
 * runnable) or a `#!` script whose interpreter runs; otherwise the errno and a reason.
 */
export function interpreterProblem(
  tree: ImageTree,
  data: Uint8Array,
  depth = 0,
): { errno: string; why: string } | null {
  if (isElf(data)) {
    const interp = elfInterpreter(data);
    if (interp === null) return null;
    const found = interpreterOutcome(tree, interp);
    return found.ok
      ? null
      : { errno: found.errno, why: `ELF interpreter ${interp} does not run (${found.why})` };
  }
  const script = scriptInterpreter(data);
  if (script === null) return { errno: 'ENOEXEC', why: 'neither ELF nor a #! script' };
  if (script === '') return { errno: 'ENOEXEC', why: 'empty #! line' };
  if (depth >= MAX_INTERPRETER_DEPTH)
    return { errno: 'ELOOP', why: `#! interpreters nest deeper than ${MAX_INTERPRETER_DEPTH}` };
  const found = execOutcome(tree, script, depth + 1);
  return found.ok
    ? null
    : { errno: found.errno, why: `#! interpreter ${script} does not run (${found.why})` };
}

/**
 * What load_elf_binary does with a PT_INTERP path (fs/binfmt_elf.c): open_exec (a lookup with
 * symlinks followed, a regular file with an execute bit), then "Not an ELF interpreter" (-ELIBBAD)
 * unless it is ELF. The interpreter's own PT_INTERP is never followed (a loader naming itself, or
 * two loaders naming each other, loads like any other) and a `#!` script is no interpreter.
 */
function interpreterOutcome(
  tree: ImageTree,
  path: string,
): { ok: true } | { ok: false; errno: string; why: string } {
  const walked = walkPath(treeLookup(tree), path, { followFinal: true });
  // A missing interpreter: the kernel's open_exec fails, and execve reports ENOENT for the program.
  if (!walked.ok) return { ok: false, errno: 'ENOENT', why: `${path}: ${walked.error} at ${walked.at}` };
  const node = tree.nodes.get(walked.path) as ImageNode;
  const shown = walked.path === path ? path : `${path} (${walked.path})`;
  if (node.type === 'directory') return { ok: false, errno: 'EACCES', why: `${shown} is a directory` };
  if (node.type !== 'file') return { ok: false, errno: 'EACCES', why: `${shown} is a ${node.type}` };
  if ((node.perm & 0o111) === 0) return { ok: false, errno: 'EACCES', why: `${shown} has no execute bit` };
  if (!isElf(node.data)) return { ok: false, errno: 'ELIBBAD', why: `${shown} is not an ELF file` };
  return { ok: true };
}
