import { bufferSource, type RandomAccessSource } from '../util/random-access-source.js';
import { hasElfMagic } from './elf-header.js';
import { ELF_LIMITS } from './errors.js';
import { type ElfInfo, readElfSource } from './read-elf.js';

/** What a file is to the kernel's exec: an ELF object, a `#!` script, or something it cannot run. */
export type FileIdentity =
  | { kind: 'elf'; info: ElfInfo }
  | { kind: 'script'; interpreter: string; args: string }
  | { kind: 'other' };

/**
 * Identifies a file from its bytes. ELF files are parsed (throws {@link ElfError} when corrupt); a
 * script reports its `#!` interpreter and the rest of the line as the kernel splits it (fs/binfmt_script.c:
 * first word is the interpreter, the rest one optional argument); anything else is `other`.
 */
export function identifyFile(bytes: Uint8Array, source = '<buffer>'): FileIdentity {
  return identifySource(bufferSource(bytes), source);
}

/** {@link identifyFile} over a byte source (reads only what it needs). */
export function identifySource(src: RandomAccessSource, source: string): FileIdentity {
  const head = src.read(0, ELF_LIMITS.maxShebangLength);
  if (hasElfMagic(head)) return { kind: 'elf', info: readElfSource(src, source) };
  if (head[0] === 0x23 && head[1] === 0x21) return parseShebang(head);
  return { kind: 'other' };
}

function parseShebang(head: Uint8Array): FileIdentity {
  const nl = head.indexOf(0x0a);
  const line = Buffer.from(head.buffer, head.byteOffset + 2, (nl < 0 ? head.length : nl) - 2).toString(
    'utf8',
  );
  const trimmed = line.replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
  const m = /^([^ \t]+)(?:[ \t]+(.*))?$/.exec(trimmed);
  if (!m?.[1]) return { kind: 'other' };
  return { kind: 'script', interpreter: m[1], args: m[2] ?? '' };
}
