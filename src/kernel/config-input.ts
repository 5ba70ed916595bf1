import fs from 'node:fs';
import zlib from 'node:zlib';
import { InputError } from '../errors/index.js';
import { withFsError } from '../util/fs-errors.js';
import { parseKernelConfig } from './config-check.js';

/** Larger than any kernel config (Debian's is ~280 KB; a vmlinux with IKCONFIG is tens of MB). */
const MAX_INPUT = 256 << 20;
/** The markers around the gzip'd config that CONFIG_IKCONFIG embeds (kernel/configs.c). */
const IKCFG_START = Buffer.from('IKCFG_ST');
const IKCFG_END = Buffer.from('IKCFG_ED');

/**
 * The text of a kernel config given as a file: a plain `.config`, its gzip form (`/proc/config.gz`),
 * or a kernel or `configs.ko` that embeds it (CONFIG_IKCONFIG, between `IKCFG_ST` and `IKCFG_ED`).
 *
 * Refuses (InputError KERNEL_CONFIG_INVALID, exit 2) anything else — random bytes, an image, a text
 * with no `CONFIG_X=...` line — saying what was found, so a good stored config is never replaced by
 * garbage; FS_ERROR when the file cannot be read.
 */
export function readKernelConfigInput(file: string): string {
  const size = withFsError(file, 'cannot read', () => fs.statSync(file).size);
  const invalid = (found: string) =>
    new InputError(
      'KERNEL_CONFIG_INVALID',
      `${file}: config: expected a kernel config (CONFIG_X=... lines, plain, gzip or IKCONFIG), found ${found}`,
      { path: file, field: 'config' },
    );
  if (size > MAX_INPUT) throw invalid(`${size} bytes, more than any kernel config`);
  const bytes = withFsError(file, 'cannot read', () => fs.readFileSync(file));
  const text = configText(bytes);
  if (text === undefined) throw invalid(`${bytes.length} bytes of binary data`);
  if (parseKernelConfig(text).size === 0)
    throw invalid(`text with no CONFIG_X=... line (${bytes.length} bytes)`);
  return text;
}

/** The config text inside `bytes`, or undefined when it is binary data that holds none. */
function configText(bytes: Buffer): string | undefined {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return gunzipText(bytes);
  const start = bytes.indexOf(IKCFG_START);
  if (start >= 0) {
    const from = start + IKCFG_START.length;
    const end = bytes.indexOf(IKCFG_END, from);
    return gunzipText(bytes.subarray(from, end < 0 ? bytes.length : end));
  }
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}

function gunzipText(gz: Uint8Array): string | undefined {
  try {
    const plain = zlib.gunzipSync(gz, { maxOutputLength: MAX_INPUT });
    return plain.includes(0) ? undefined : plain.toString('utf8');
  } catch {
    return undefined;
  }
}
