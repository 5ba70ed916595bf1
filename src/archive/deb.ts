/**
 * Debian binary packages (.deb): an ar archive of `debian-binary`, `control.tar.*` and
 * `data.tar.{xz,zst,gz}`; the files are in the data tar.
 */
import fs from 'node:fs';
import { InputError } from '../errors/index.js';
import { listAr } from './ar.js';
import { codecOfName, decompressStream } from './decompress.js';

/** The decompressed data tar of a package, and its name for messages (`pkg.deb(data.tar.xz)`). */
export interface PackageTar {
  tar: AsyncIterable<Uint8Array>;
  source: string;
}

/**
 * The data tar of the .deb at `file`, decompressed as it is read.
 *
 * Refuses (InputError) a file that is not a Debian binary package (`DEB_NOT_BINARY_PACKAGE`) and a
 * data member in an unknown compression (`DEB_UNKNOWN_COMPRESSION`).
 */
export function openDebData(file: string): PackageTar {
  const members = listAr(file);
  if (members[0]?.name !== 'debian-binary') {
    throw new InputError(
      'DEB_NOT_BINARY_PACKAGE',
      `${file}: first ar member: expected debian-binary, got ${members[0]?.name ?? 'nothing'}`,
      {
        file,
      },
    );
  }
  const data = members.find((m) => m.name.startsWith('data.tar'));
  if (!data) {
    throw new InputError(
      'DEB_NOT_BINARY_PACKAGE',
      `${file}: has no data.tar.* member (members: ${members.map((m) => m.name).join(', ')})`,
      {
        file,
      },
    );
  }
  const codec = codecOfName(data.name);
  if (codec === undefined) {
    throw new InputError(
      'DEB_UNKNOWN_COMPRESSION',
      `${file}: ${data.name}: expected data.tar, .tar.gz, .tar.xz or .tar.zst`,
      {
        file,
        member: data.name,
      },
    );
  }
  const raw = fs.createReadStream(
    file,
    data.size === 0 ? { start: 1, end: 0 } : { start: data.offset, end: data.offset + data.size - 1 },
  );
  const source = `${file}(${data.name})`;
  return { tar: decompressStream(raw, codec, source), source };
}
