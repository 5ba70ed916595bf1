import { Transform, type TransformCallback } from 'node:stream';
import { Lz4BlockEncoder } from './lz4-block-encoder.js';

/** Legacy frame magic 0x184C2102 (what `lz4 -l` writes and the kernel's unlz4 reads), little-endian. */
const LEGACY_MAGIC = Buffer.from([0x02, 0x21, 0x4c, 0x18]);
/** Each legacy block holds 8 MiB of input (the last one less); the kernel's unlz4 allocates that. */
export const LZ4_LEGACY_BLOCK = 8 * 1024 * 1024;

/**
 * An lz4 legacy frame writer (`lz4 -l`): the magic, then for every 8 MiB of input one independent
 * block as (u32le compressed size, block). The legacy format has no end mark: what follows it in
 * an initramfs must start with a zero word (see the overlay writer).
 */
export class Lz4LegacyEncoder extends Transform {
  private readonly encoder: Lz4BlockEncoder;
  private pending: Buffer[] = [];
  private pendingLength = 0;

  constructor(level: number) {
    super();
    this.encoder = new Lz4BlockEncoder(level);
    this.push(LEGACY_MAGIC);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    while (this.pendingLength >= LZ4_LEGACY_BLOCK) {
      const all = Buffer.concat(this.pending, this.pendingLength);
      this.block(all.subarray(0, LZ4_LEGACY_BLOCK));
      const rest = all.subarray(LZ4_LEGACY_BLOCK);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingLength = rest.length;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pendingLength > 0) this.block(Buffer.concat(this.pending, this.pendingLength));
    this.pending = [];
    done();
  }

  private block(data: Uint8Array): void {
    const compressed = this.encoder.encode(data);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(compressed.length);
    this.push(size);
    this.push(Buffer.from(compressed.buffer, compressed.byteOffset, compressed.length));
  }
}
