import { createRequire } from 'node:module';
import type { SequentialSource } from '../util/sequential-source.js';
import type { StreamPlace } from './errors.js';
import { decodeError } from './segment-decoder.js';

/** The part of zstd-napi's native binding used here (ZSTD_decompressStream on a DCtx). */
interface ZstdBinding {
  DParameter: { windowLogMax: number };
  DCtx: new () => {
    setParameter(param: number, value: number): void;
    /** Returns [hint (0 = frame complete and flushed), bytes written, bytes consumed]. */
    decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number];
  };
  dStreamOutSize(): number;
}

const require = createRequire(import.meta.url);
let binding: ZstdBinding | undefined;
function zstd(): ZstdBinding {
  binding ??= require('zstd-napi/binding') as ZstdBinding;
  return binding;
}

const FEED_SIZE = 64 * 1024;

/**
 * Decodes one zstd frame, as the kernel's unzstd does per segment (lib/decompress_unzstd.c stops at
 * the end of a frame); bytes after the frame are left in `src` for the next segment. Output is
 * produced one ZSTD_DStreamOutSize buffer at a time, so memory stays bounded whatever the ratio.
 */
export async function* unzstdFrame(src: SequentialSource, place: StreamPlace): AsyncGenerator<Uint8Array> {
  const lib = zstd();
  const dctx = new lib.DCtx();
  // Read any window zstd can describe (up to 2 GiB), so ls and extract read every frame; whether the
  // kernel can allocate it is the verifier's question (zstd-window.ts), not a reason to refuse here.
  dctx.setParameter(lib.DParameter.windowLogMax, 31);
  const outSize = lib.dStreamOutSize();
  let pending: Uint8Array | undefined;
  let flushing = false;
  for (;;) {
    let input = pending;
    if (input === undefined && !flushing) {
      input = await src.nextChunk(FEED_SIZE);
      if (input === undefined) {
        throw decodeError(
          'CPIO_TRUNCATED',
          place,
          src.position,
          'zstd frame',
          'a complete frame',
          'the end of input',
        );
      }
    }
    const out = Buffer.allocUnsafe(outSize);
    const at = src.position - (input?.length ?? 0);
    let result: [number, number, number];
    try {
      result = dctx.decompressStream(out, input ?? new Uint8Array(0));
    } catch (err) {
      throw decodeError(
        'CPIO_DECOMPRESS',
        place,
        at,
        'zstd data',
        'a valid zstd frame',
        `"${(err as Error).message}"`,
      );
    }
    const [hint, produced, consumed] = result;
    const rest = input?.subarray(consumed);
    pending = rest !== undefined && rest.length > 0 ? rest : undefined;
    // A full output buffer may hide more output for the same input: call again before feeding more.
    flushing = produced === outSize;
    if (produced > 0) yield out.subarray(0, produced);
    if (hint === 0) {
      if (pending) src.unshift(pending);
      return;
    }
  }
}
