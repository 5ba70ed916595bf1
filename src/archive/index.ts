/**
 * Archive and package readers, for every domain that unpacks something: ar, tar (ustar, GNU, pax),
 * Debian .deb and Alpine .apk packages, the stream decompressors they need, and the sequential
 * source under them. Codecs only: what to keep from a package is the caller's business.
 */

export { SequentialSource } from '../util/sequential-source.js';
export { openApkTar } from './apk.js';
export { AR_MAGIC, type ArMember, listAr } from './ar.js';
export { openDebData, type PackageTar } from './deb.js';
export { type Codec, codecOfName, decompressBuffer, decompressStream } from './decompress.js';
export { ARCHIVE_ERROR_CODES, type ArchiveErrorCode } from './error-codes.js';
export { readTar, type TarItem, type TarMember, type WantData } from './tar.js';
// The one writer here: deterministic ustar for rock-cache export (regular files only).
export { type TarFileMember, ustarHeader, writeTar } from './tar-writer.js';
