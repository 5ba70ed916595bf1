import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors/index.js';
import { escapeName, fsPath } from './byte-names.js';

/** An input of a command, and the field (option) it came from, for the message. */
export interface NamedInput {
  path: string;
  /** The option's field name (`configKey`, `input`, `key`...). */
  field: string;
}

/**
 * Refuses (InputError OUTPUT_IS_INPUT, exit 2) an output that is one of the inputs — the same
 * resolved path, or the same file by device and inode (a hard link, a symlink, `./x` and `x`) —
 * before anything is written: `rock-image create --config-key K -o K` would replace the key by the
 * image. Inputs that do not exist yet are compared by path only.
 *
 * @example refuseOutputAmongInputs('K', [{ path: 'K', field: 'configKey' }]) // throws
 */
export function refuseOutputAmongInputs(
  output: string,
  inputs: readonly (NamedInput | undefined)[],
  cwd: string = process.cwd(),
): void {
  const outPath = resolve(cwd, output);
  const outId = fileId(outPath);
  for (const input of inputs) {
    if (input === undefined) continue;
    const inPath = resolve(cwd, input.path);
    const inId = fileId(inPath);
    const same = inPath === outPath || (outId !== undefined && inId !== undefined && outId === inId);
    if (!same) continue;
    throw new InputError(
      'OUTPUT_IS_INPUT',
      `${escapeName(output)}: output: expected a file that is not an input, found the ${input.field} input ${escapeName(input.path)}; nothing was written`,
      { path: output, field: 'output', input: input.path, inputField: input.field },
    );
  }
}

/** `dev:ino` of what `path` names (symlinks followed), or undefined when it cannot be stat'ed. */
function fileId(path: string): string | undefined {
  try {
    const st = statSync(fsPath(path), { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}
