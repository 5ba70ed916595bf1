export {
  COMPRESSION_NAMES,
  COMPRESSIONS,
  type CodecSpec,
  type Compression,
  describeWriteCompressions,
  imageFileName,
  isWriteCompression,
  type LevelRange,
  levelRange,
  WRITE_COMPRESSIONS,
  type WriteCompression,
  type WriteSpec,
} from './codecs.js';
export { type CompressorOptions, createCompressor } from './create-compressor.js';
export { COMPRESSION_ERROR_CODES, type CompressionErrorCode } from './error-codes.js';
export {
  LZMA_CHECK,
  type LzmaFilter,
  type LzmaNative,
  type LzmaNativeStream,
  type LzmaOptions,
  lzmaNative,
} from './lzma-native.js';
export { REFUSED_HEAD, refusedFormat } from './refused-formats.js';
