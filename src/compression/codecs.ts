/**
 * The compressions an initramfs segment can have: every one the kernel's decompress_method()
 * (lib/decompress.c) knows, plus none. One table owns each codec's magic, the kernel option that
 * lets the kernel unpack it, the file extension of an image, and, for those we write, the levels.
 * Everything else (the reader's detection, `rock-kernel check`, the CLI choices, the writer)
 * imports it from here.
 */

/** Levels an encoder accepts, and the one used when none is given. */
export interface LevelRange {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** What we know about writing a codec. */
export interface WriteSpec {
  /** Levels the encoder takes; none for `none`. */
  readonly levels: LevelRange | undefined;
  /** One phrase for help texts: why this codec, and what the kernel needs. */
  readonly summary: string;
  /** Whether the encoder runs on several threads (`threads`); the bytes never depend on how many. */
  readonly threads: boolean;
}

/** One codec's entry in {@link COMPRESSIONS}. */
export interface CodecSpec {
  /** Bytes at the start of a segment, as the kernel matches them (longest form); none for `none`. */
  readonly magic: readonly number[] | undefined;
  /** The Kconfig option (init/Kconfig, `CONFIG_RD_*` in a .config) that lets the kernel unpack it. */
  readonly kernelOption: `RD_${string}` | undefined;
  /** The file name extension of an image of this compression. */
  readonly extension: string;
  /** Set when we can write it. */
  readonly write: WriteSpec | undefined;
}

/** Every compression, in the order help texts and the CLI list them. */
export const COMPRESSIONS = {
  gzip: {
    magic: [0x1f, 0x8b],
    kernelOption: 'RD_GZIP',
    extension: '.cpio.gz',
    write: {
      levels: { min: 0, max: 9, default: 6 },
      summary: 'any kernel',
      threads: true,
    },
  },
  zstd: {
    magic: [0x28, 0xb5, 0x2f, 0xfd],
    kernelOption: 'RD_ZSTD',
    extension: '.cpio.zst',
    write: {
      // 19 is the highest level without --ultra: 20-22 raise the window to 32-128 MiB, which the
      // kernel must allocate at boot (19 keeps it at 8 MiB). Default 19, as initramfs-tools (dracut
      // uses 15, mkinitcpio 3). Measured here (2 cores) on the 9.6 MB boot image: 3 → 4.32 MB in
      // 0.06 s, 9 → 3.66 MB in 0.17 s, 15 → 3.62 MB in 1.2 s, 19 → 3.27 MB in 2.9 s (gzip -6:
      // 4.32 MB); on a 52 MB tree (python3.11): 3 → 14.7 MB, 19 → 11.1 MB in 17 s. An image is built
      // once and booted (often fetched) many times, and zstd decodes as fast at any level, so the
      // 24% is worth seconds; --level 3 is the fast choice.
      levels: { min: 1, max: 19, default: 19 },
      summary: 'kernel >= 5.9; --level 3 is the fast choice',
      threads: true,
    },
  },
  xz: {
    magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    kernelOption: 'RD_XZ',
    extension: '.cpio.xz',
    write: {
      // xz presets; the dictionary is always 1 MiB (the kernel's own convention). Default 6 as xz's.
      levels: { min: 0, max: 9, default: 6 },
      summary: 'CRC32 check, 1 MiB dictionary',
      threads: false,
    },
  },
  lz4: {
    // The legacy frame (`lz4 -l`), the only lz4 format the kernel's unlz4 reads.
    magic: [0x02, 0x21, 0x4c, 0x18],
    kernelOption: 'RD_LZ4',
    extension: '.cpio.lz4',
    write: {
      // Our own block compressor: 1 is LZ4's fast greedy mode, each level above doubles the match
      // candidates searched. Default 1, as the lz4 tool's: measured here on 40 MB of binaries, 1 →
      // 20.6 MB in 0.8 s, 3 → 19.3 MB in 1.3 s, 9 → 18.4 MB in 2.9 s (lz4 -1: 21.2 MB, -9: 17.4 MB).
      levels: { min: 1, max: 9, default: 1 },
      summary: 'legacy frames, the fastest to unpack',
      threads: false,
    },
  },
  bzip2: {
    // Read by our own decoder (bzip2-block.ts, src/cpio/bzip2-segment.ts); not written.
    magic: [0x42, 0x5a, 0x68],
    kernelOption: 'RD_BZIP2',
    extension: '.cpio.bz2',
    write: undefined,
  },
  lzma: {
    magic: [0x5d, 0x00, 0x00],
    kernelOption: 'RD_LZMA',
    extension: '.cpio.lzma',
    write: undefined,
  },
  lzo: {
    // lzop files; read by our own lzop reader and LZO1X decoder (src/cpio/lzo-segment.ts); not written.
    magic: [0x89, 0x4c, 0x5a, 0x4f],
    kernelOption: 'RD_LZO',
    extension: '.cpio.lzo',
    write: undefined,
  },
  none: {
    magic: undefined,
    kernelOption: undefined,
    extension: '.cpio',
    write: { levels: undefined, summary: 'uncompressed', threads: false },
  },
} as const satisfies Record<string, CodecSpec>;

/** A compression an archive segment may have. */
export type Compression = keyof typeof COMPRESSIONS;

/** A compression we write. */
export type WriteCompression = {
  [K in Compression]: (typeof COMPRESSIONS)[K]['write'] extends WriteSpec ? K : never;
}[Compression];

/** Every compression name, for CLI choices (`rock-kernel check --compress`). */
export const COMPRESSION_NAMES = Object.keys(COMPRESSIONS) as readonly Compression[];

/** The compressions we write, for CLI choices (`rock-image create --compress`). */
export const WRITE_COMPRESSIONS = COMPRESSION_NAMES.filter(
  (name): name is WriteCompression => COMPRESSIONS[name].write !== undefined,
);

/** Whether `name` is a compression we write. */
export function isWriteCompression(name: string): name is WriteCompression {
  return (WRITE_COMPRESSIONS as readonly string[]).includes(name);
}

/** The level range of a compression we write; undefined for `none`. */
export function levelRange(name: WriteCompression): LevelRange | undefined {
  return COMPRESSIONS[name].write.levels;
}

/**
 * The image file name for a base name: `imageFileName('rock', 'zstd')` → `rock.cpio.zst`.
 */
export function imageFileName(base: string, compression: Compression): string {
  return base + COMPRESSIONS[compression].extension;
}

/**
 * One line per written compression for a help text, e.g. `gzip -6 (any kernel; RD_GZIP)`.
 */
export function describeWriteCompressions(): string {
  return WRITE_COMPRESSIONS.map((name) => {
    const spec: CodecSpec = COMPRESSIONS[name];
    const levels = spec.write?.levels;
    if (!levels) return name;
    return `${name} -${levels.default} (${spec.write?.summary}; ${spec.kernelOption})`;
  }).join(', ');
}
