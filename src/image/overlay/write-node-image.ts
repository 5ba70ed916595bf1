import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { dirname, join } from 'node:path';
import { fsError } from '../../util/fs-errors.js';

/**
 * Writes `base` followed by `segment` to `output` through a temporary file renamed on success. The
 * base is copied with a reflink where the file system offers one (COPYFILE_FICLONE: XFS, btrfs),
 * else by the kernel's copy_file_range; nothing is recompressed.
 */
export function writeNodeImage(base: string, segment: Uint8Array, output: string): void {
  const temp = join(dirname(output), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.copyFileSync(base, temp, fs.constants.COPYFILE_FICLONE);
    const fd = fs.openSync(temp, 'a');
    try {
      fs.writeSync(fd, segment);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, output);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw fsError(err, output, 'write');
  }
}
