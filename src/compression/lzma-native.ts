/**
 * The `lzma-native` binding (liblzma), typed once: it ships no type declarations. Only the parts
 * this project uses are declared; the module is loaded on first use.
 */
import { createRequire } from 'node:module';
import type { Transform } from 'node:stream';

/** lzma_options_lzma as lzma-native reads it (src/util.cpp parseOptionsLZMA). */
export interface LzmaOptions {
  dictSize: number;
  lc: number;
  lp: number;
  pb: number;
  mode: number;
  niceLen: number;
  mf: number;
  depth: number;
}

/** A filter of a filter chain, e.g. `{ id: 'LZMA_FILTER_LZMA2', options }`. */
export interface LzmaFilter {
  id: string;
  options: LzmaOptions;
}

/**
 * lzma-native's native stream, driven synchronously with `code(chunk, false)`: output and the end
 * of the stream arrive through `bufferHandler` (a `null` buffer ends it, with an error or not).
 */
export interface LzmaNativeStream {
  bufferHandler: (
    buf: Uint8Array | null | undefined,
    processedChunks: number | undefined,
    err: (Error & { code?: string }) | null | undefined,
    totalIn: number | null,
    totalOut: number | null,
  ) => void;
  streamEncoder_(filters: LzmaFilter[], check: number): void;
  streamDecoder_(memlimit: number | null, flags: number): void;
  aloneDecoder_(memlimit: number | null): void;
  code(chunk: Uint8Array | null, async: boolean): void;
  resetUnderlying(): void;
}

/** The module's exports used here. */
export interface LzmaNative {
  Stream: new () => LzmaNativeStream;
  createDecompressor(options?: { synchronous?: boolean }): Transform;
  decompress(data: Buffer): Promise<Buffer>;
}

/** liblzma's lzma_check values. */
export const LZMA_CHECK = { none: 0, crc32: 1, crc64: 4, sha256: 10 } as const;

const require = createRequire(import.meta.url);
let loaded: LzmaNative | undefined;

/** The lzma-native module, loaded on first call. */
export function lzmaNative(): LzmaNative {
  loaded ??= require('lzma-native') as LzmaNative;
  return loaded;
}
