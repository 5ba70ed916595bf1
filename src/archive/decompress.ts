/**
 * Decompression of package members and modules: gzip by node:zlib, xz by `lzma-native`, zstd by
 * `zstd-napi` (native bindings, so no xz or zstd binary is needed on the host).
 */
import { Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { DecompressStream, decompress as zstdDecompress } from 'zstd-napi';
import { type Compression, lzmaNative } from '../compression/index.js';
import { InputError } from '../errors/index.js';

/** The compressions kernel packages and module files use. */
export type Codec = Extract<Compression, 'none' | 'gzip' | 'xz' | 'zstd'>;

/** The codec of a file name's extension: `data.tar.xz` → xz, `virtio_net.ko.zst` → zstd. */
export function codecOfName(name: string): Codec | undefined {
  if (name.endsWith('.gz')) return 'gzip';
  if (name.endsWith('.xz')) return 'xz';
  if (name.endsWith('.zst')) return 'zstd';
  if (name.endsWith('.tar') || name.endsWith('.ko')) return 'none';
  return undefined;
}

/** The decompressing stream of a codec. */
function decompressor(codec: Exclude<Codec, 'none'>): Transform {
  if (codec === 'gzip') return zlib.createGunzip(); // also reads concatenated members, as .apk needs
  if (codec === 'xz') return lzmaNative().createDecompressor();
  return new DecompressStream();
}

/**
 * Decompresses `source` as it is read. `file` names the source in messages.
 *
 * Fails (InputError `DECOMPRESS_FAILED`, naming the codec) on corrupt data, when iterated.
 */
export async function* decompressStream(
  source: AsyncIterable<Uint8Array>,
  codec: Codec,
  file: string,
): AsyncGenerator<Uint8Array> {
  if (codec === 'none') {
    yield* source;
    return;
  }
  const input = Readable.from(source);
  const transform = decompressor(codec);
  input.on('error', (error) => transform.destroy(error));
  input.pipe(transform);
  try {
    for await (const chunk of transform) yield chunk as Uint8Array;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('DECOMPRESS_FAILED', `${file}: ${codec}: ${(error as Error).message}`, {
      file,
      codec,
    });
  } finally {
    input.destroy();
    transform.destroy();
  }
}

/**
 * Decompresses a whole buffer (a module file). Fails (InputError `DECOMPRESS_FAILED`) on corrupt data.
 */
export async function decompressBuffer(data: Uint8Array, codec: Codec, file: string): Promise<Uint8Array> {
  try {
    if (codec === 'none') return data;
    if (codec === 'gzip') return zlib.gunzipSync(data);
    if (codec === 'zstd') return zstdDecompress(data);
    return await lzmaNative().decompress(Buffer.from(data));
  } catch (error) {
    throw new InputError('DECOMPRESS_FAILED', `${file}: ${codec}: ${(error as Error).message}`, {
      file,
      codec,
    });
  }
}
