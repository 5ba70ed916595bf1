import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import {
  archiveName,
  CONFIG_DIRS,
  CONFIG_FILE_MODE,
  CONFIG_KEY_PATH,
  NODE_CONFIG_PATH,
} from '../contract/index.js';
import { newInfo, type WriteEntry } from '../cpio/index.js';
import { InputError } from '../errors/index.js';
import { errnoText } from '../util/fs-errors.js';

/** Largest config file accepted (configs are small; this keeps a wrong argument from filling memory). */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** Options of {@link configEntries}. */
export interface ConfigEntryOptions {
  /** mtime of the records (SOURCE_DATE_EPOCH); default 0. */
  mtime?: number;
}

function refuse(code: string, spec: string, what: string, fields: string[] = []): InputError {
  return new InputError(code, `configs ${spec}: ${what}`, { field: 'configs', fields, spec });
}

/**
 * Turns `--config SOURCE:DEST` specs into image entries: each source file placed at DEST with mode
 * 0644, owner 0:0. DEST must be an absolute, normalised path strictly inside one of the config
 * directories (`CONFIG_DIRS`), and not the key or the node config (they have their own flags and
 * modes). Returns the entries in the order given.
 *
 * Refuses (exit 2, one line each): CONFIG_SPEC (no `:` or an empty side), CONFIG_DEST (outside the
 * config directories, not normalised, or a directory), CONFIG_DEST_RESERVED, CONFIG_DEST_DUPLICATE,
 * INPUT_NOT_FOUND / INPUT_NOT_FILE, CONFIG_TOO_LARGE.
 */
export function configEntries(specs: readonly string[], options: ConfigEntryOptions = {}): WriteEntry[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    const colon = spec.lastIndexOf(':');
    const source = spec.slice(0, colon);
    const dest = spec.slice(colon + 1);
    if (colon <= 0 || dest === '')
      throw refuse('CONFIG_SPEC', spec, 'expected SOURCE:DEST, e.g. agent.yaml:/etc/rock/agent.yaml');
    const inside = CONFIG_DIRS.some((dir) => dest.startsWith(`${dir}/`) && dest.length > dir.length + 1);
    if (!dest.startsWith('/') || posix.normalize(dest) !== dest || dest.endsWith('/') || !inside) {
      throw refuse(
        'CONFIG_DEST',
        spec,
        `destination: expected a file path inside ${CONFIG_DIRS.join('/ or ')}/, got '${dest}'`,
      );
    }
    if (dest === CONFIG_KEY_PATH || dest === NODE_CONFIG_PATH) {
      const field = dest === CONFIG_KEY_PATH ? 'configKey' : 'nodeConfig';
      throw refuse('CONFIG_DEST_RESERVED', spec, `destination: ${dest} is placed by ${field}`, [field]);
    }
    if (seen.has(dest)) throw refuse('CONFIG_DEST_DUPLICATE', spec, `destination: ${dest} given twice`);
    seen.add(dest);
    const data = readSource(spec, source);
    return {
      info: newInfo(archiveName(dest), 'file', CONFIG_FILE_MODE, {
        mtime: options.mtime ?? 0,
        size: data.length,
      }),
      content: data,
    };
  });
}

function readSource(spec: string, source: string): Uint8Array {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(source);
  } catch (err) {
    throw refuse('INPUT_NOT_FOUND', spec, `cannot read ${source}: ${errnoText(err)}`);
  }
  if (!st.isFile()) throw refuse('INPUT_NOT_FILE', spec, `${source}: expected a regular file`);
  if (st.size > MAX_CONFIG_BYTES)
    throw refuse('CONFIG_TOO_LARGE', spec, `${source}: expected at most 16 MiB, got ${st.size} bytes`);
  return readFileSync(source);
}
