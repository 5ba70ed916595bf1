/**
 * Sequential reads from a stream of chunks: exact-length reads, skips and sub-streams, front to
 * back (what a tar parser needs from a decompressor). For reads at any offset of a file, see
 * `RandomAccessSource` (src/util/random-access-source.ts).
 */
export class SequentialReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  /** Bytes consumed so far: the offset of the next byte in the stream. */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Buffers until `n` bytes are available or the stream ends; returns how many are available. */
  private async fill(n: number): Promise<number> {
    while (this.buffered < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      if (chunk.length === 0) continue;
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    return Math.min(n, this.buffered);
  }

  /** Takes `n` buffered bytes (the caller made sure they are there). */
  private take(n: number): Buffer {
    this.buffered -= n;
    this.position += n;
    const head = this.chunks[0]!;
    if (head.length >= n) {
      if (head.length === n) this.chunks.shift();
      else this.chunks[0] = head.subarray(n);
      return head.subarray(0, n);
    }
    const out = Buffer.alloc(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const want = n - filled;
      if (chunk.length <= want) {
        this.chunks.shift();
        chunk.copy(out, filled);
        filled += chunk.length;
      } else {
        chunk.copy(out, filled, 0, want);
        this.chunks[0] = chunk.subarray(want);
        filled += want;
      }
    }
    return out;
  }

  /**
   * Reads exactly `n` bytes. Returns null when the stream ended before the first of them; returns
   * a shorter buffer when it ended part-way (the caller reports the truncation with its offset).
   */
  async read(n: number): Promise<Buffer | null> {
    if (n === 0) return Buffer.alloc(0);
    const available = await this.fill(n);
    if (available === 0) return null;
    return this.take(available);
  }

  /** Discards `n` bytes without keeping them; returns how many were there. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const available = await this.fill(Math.min(left, 1 << 20));
      if (available === 0) break;
      this.take(available);
      left -= available;
    }
    return n - left;
  }

  /** Yields the next `n` bytes as chunks, without holding them all. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      const available = await this.fill(Math.min(left, 1 << 20));
      if (available === 0) return;
      left -= available;
      yield this.take(available);
    }
  }
}
