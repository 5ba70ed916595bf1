import { hexOffset, InputError } from '../errors/index.js';

/** Stable codes of every error the ELF reader throws. */
export type ElfErrorCode =
  /** The file ends before a structure the headers point at. */
  | 'ELF_TRUNCATED'
  /** Not an ELF file at all (no `\x7fELF`). */
  | 'ELF_BAD_MAGIC'
  /** Headers contradict themselves (bad class, entry size, unmapped address, unterminated string...). */
  | 'ELF_CORRUPT'
  /** A count or size is beyond what any real object has; refused before allocating for it. */
  | 'ELF_LIMIT';

/**
 * A typed error about one file: `code`, and a one-line message naming the file, the offset when there is
 * one, the field, what was expected and what was found. Exit code 2 (unusable input).
 */
export class ElfError extends InputError {
  constructor(code: ElfErrorCode, source: string, offset: number | undefined, field: string, detail: string) {
    const where = offset === undefined ? source : `${source}:${hexOffset(offset)}`;
    super(code, `${where}: ${field}: ${detail}`, { file: source, offset, field });
    this.name = 'ElfError';
  }
}

/** Hard limits: far above any real object, low enough that hostile counts cannot exhaust memory or time. */
export const ELF_LIMITS = {
  /** Program headers (the kernel refuses more than 64 KiB of them). */
  maxProgramHeaders: 65_536,
  /** Dynamic entries scanned before giving up on finding DT_NULL. */
  maxDynamicEntries: 1 << 20,
  /** DT_NEEDED entries of one object. */
  maxNeeded: 4096,
  /** One string (a path): PATH_MAX. */
  maxStringLength: 4096,
  /** `#!` line: the kernel reads at most 256 bytes of it (BINPRM_BUF_SIZE). */
  maxShebangLength: 256,
} as const;
