/**
 * The Unix `ar` archive a .deb is (deb(5)): the magic `!<arch>\n`, then members each behind a
 * 60-byte header (name, mtime, uid, gid, mode, size, "`\n"), data padded to an even offset.
 */
import fs from 'node:fs';
import { hexOffset, InputError } from '../errors/index.js';

/** One member of an ar archive: where its data is in the file. */
export interface ArMember {
  name: string;
  /** Offset of the member's data in the file. */
  offset: number;
  size: number;
}

export const AR_MAGIC = '!<arch>\n';
const HEADER = 60;

/**
 * Lists the members of the ar archive at `file` (reads only the headers).
 *
 * Refuses (InputError) a missing magic (`AR_BAD_MAGIC`), a malformed header (`AR_BAD_HEADER`) and a
 * member running past the end of the file (`AR_TRUNCATED`).
 */
export function listAr(file: string): ArMember[] {
  const fd = fs.openSync(file, 'r');
  try {
    const fileSize = fs.fstatSync(fd).size;
    const magic = Buffer.alloc(8);
    fs.readSync(fd, magic, 0, 8, 0);
    if (magic.toString('latin1') !== AR_MAGIC) {
      throw new InputError(
        'AR_BAD_MAGIC',
        `${file}:0x0: ar magic: expected "!<arch>\\n", got ${JSON.stringify(magic.toString('latin1'))}`,
        {
          file,
          offset: 0,
        },
      );
    }
    const members: ArMember[] = [];
    const header = Buffer.alloc(HEADER);
    let at = 8;
    while (at < fileSize) {
      if (fs.readSync(fd, header, 0, HEADER, at) < HEADER) {
        throw new InputError(
          'AR_TRUNCATED',
          `${file}:${hexOffset(at)}: ar stream ends inside a member header`,
          {
            file,
            offset: at,
          },
        );
      }
      if (header.subarray(58, 60).toString('latin1') !== '`\n') {
        throw new InputError(
          'AR_BAD_HEADER',
          `${file}:${hexOffset(at + 58)}: ar header end: expected "\`\\n"`,
          {
            file,
            offset: at + 58,
          },
        );
      }
      const sizeText = header.subarray(48, 58).toString('latin1').trim();
      if (!/^[0-9]+$/.test(sizeText)) {
        throw new InputError(
          'AR_BAD_HEADER',
          `${file}:${hexOffset(at + 48)}: ar size: expected decimal digits, got ${JSON.stringify(sizeText)}`,
          {
            file,
            offset: at + 48,
          },
        );
      }
      const size = Number(sizeText);
      const offset = at + HEADER;
      if (offset + size > fileSize) {
        throw new InputError(
          'AR_TRUNCATED',
          `${file}:${hexOffset(at)}: ar member of ${size} bytes runs past the end (${fileSize} bytes)`,
          {
            file,
            offset: at,
          },
        );
      }
      // GNU ar ends short names with '/'; dpkg-deb writes them without.
      const name = header.subarray(0, 16).toString('latin1').trimEnd().replace(/\/$/, '');
      members.push({ name, offset, size });
      at = offset + size + (size % 2);
    }
    return members;
  } finally {
    fs.closeSync(fd);
  }
}
