/**
 * The image file `create` and `cpio create` write when no output is given: `image.cpio.gz`, as the
 * design document's pipeline expects (`rock-image cpio create ./rootfs`, then `rock-verify
 * integration image.cpio.gz`), with the extension of the compression chosen.
 *
 * (The codec table of src/compression, when it lands, owns these extensions; this map is the one
 * place they are spelled in src/image until then.)
 */
const EXTENSIONS: Readonly<Record<string, string>> = {
  gzip: '.cpio.gz',
  zstd: '.cpio.zst',
  xz: '.cpio.xz',
  lz4: '.cpio.lz4',
};

/** The base name of a default image file. */
export const DEFAULT_IMAGE_BASE = 'image';

/** `image.cpio.gz` for gzip, `.cpio.zst`, `.cpio.xz`, `.cpio.lz4`, and `.cpio` for any other codec. */
export function defaultImageName(compress: string): string {
  return `${DEFAULT_IMAGE_BASE}${EXTENSIONS[compress] ?? '.cpio'}`;
}
