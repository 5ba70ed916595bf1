import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { DeflatePool, deflateBlock } from './deflate-pool.js';

/**
 * Input per block. Fixed (pigz's default), never derived from the thread count, so the output is
 * the same for every `threads`.
 */
export const GZIP_BLOCK = 128 * 1024;
/** Deflate's window: each block is compressed with the 32 KiB before it as its dictionary. */
const DICTIONARY = 32 * 1024;

/**
 * gzip written pigz's way, still ONE gzip member (the kernel refuses a cpio split across members):
 * the input cut into {@link GZIP_BLOCK} blocks, each raw-deflated in a worker thread with the
 * previous 32 KiB as its dictionary and ended on a byte boundary (Z_SYNC_FLUSH), the last one with
 * Z_FINISH; the blocks concatenated under one header (`gzip -n`: no name, mtime 0, OS 3), then one
 * CRC32 and one length. The bytes depend only on the input and the level. Workers start with the
 * first full block: an input smaller than one block is deflated on the calling thread.
 */
export class ParallelGzip extends Transform {
  private readonly level: number;
  private readonly threads: number;
  private pool: DeflatePool | undefined;
  /** The block being filled; its own ArrayBuffer, moved to a worker when full. */
  private block = new Uint8Array(GZIP_BLOCK);
  private filled = 0;
  private dictionary: Uint8Array = new Uint8Array(0);
  /** Blocks in flight, in output order. */
  private readonly inFlight: Promise<Buffer>[] = [];
  private crc = 0;
  private length = 0;

  constructor(level: number, threads: number) {
    super();
    this.level = level;
    this.threads = threads;
    this.push(gzipHeader(level));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.crc = zlib.crc32(chunk, this.crc);
    this.length += chunk.length;
    // One copy of the input (into the block); the block itself is moved to the worker, and the
    // deflated bytes moved back.
    let at = 0;
    let sent = false;
    while (at < chunk.length) {
      const take = Math.min(GZIP_BLOCK - this.filled, chunk.length - at);
      this.block.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === GZIP_BLOCK) {
        this.sendBlock();
        sent = true;
      }
    }
    if (!sent) {
      done();
      return;
    }
    // Keep at most two blocks per thread in flight: the input waits (backpressure) beyond that.
    this.drain(2 * this.threads).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    const job = {
      data: this.block.subarray(0, this.filled),
      dictionary: this.dictionary,
      level: this.level,
      last: true,
    };
    try {
      this.track(this.pool ? this.pool.run(job) : Promise.resolve(deflateBlock(job)));
    } catch (error) {
      done(error as Error);
      return;
    }
    this.drain(0)
      .then(() => {
        const trailer = Buffer.alloc(8);
        trailer.writeUInt32LE(this.crc >>> 0, 0);
        trailer.writeUInt32LE(this.length % 2 ** 32, 4);
        this.push(trailer);
        return this.closePool();
      })
      .then(() => done(), done);
  }

  /** Hands the full block to a worker; its last 32 KiB (a copy) become the next one's dictionary. */
  private sendBlock(): void {
    const data = this.block;
    const next = data.slice(GZIP_BLOCK - DICTIONARY);
    this.pool ??= new DeflatePool(this.threads);
    this.track(this.pool.run({ data, dictionary: this.dictionary, level: this.level, last: false }));
    this.dictionary = next;
    this.block = new Uint8Array(GZIP_BLOCK);
    this.filled = 0;
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.closePool().then(
      () => done(error),
      () => done(error),
    );
  }

  private track(block: Promise<Buffer>): void {
    block.catch(() => undefined); // observed here; the error surfaces when drain() awaits it
    this.inFlight.push(block);
  }

  /** Pushes finished blocks, in order, until at most `keep` are in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.inFlight.length > keep) this.push(await this.inFlight.shift()!);
  }

  private async closePool(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }
}

/** A gzip member header as `gzip -n` and zlib write it: no name, mtime 0, OS 3 (Unix). */
function gzipHeader(level: number): Buffer {
  // XFL as zlib sets it: 2 at level 9 (slowest), 4 below level 2 (fastest), 0 otherwise.
  const xfl = level === 9 ? 2 : level < 2 ? 4 : 0;
  return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3]);
}
