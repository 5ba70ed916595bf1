/**
 * Sequential access: a pull-based cursor over an async stream of byte chunks, read front to back
 * (the cpio reader and its decompressors, the tar reader under .deb and .apk). It buffers only what a
 * caller asks to look at (a header, a name) and hands large reads over as the chunks themselves, so
 * parsing a 200 MB image never concatenates more than one record's data and never scans bytes one by
 * one in JavaScript. For reads at any offset of a file, see `RandomAccessSource`
 * (src/util/random-access-source.ts).
 */
export class SequentialSource {
  readonly #iter: AsyncIterator<Uint8Array>;
  /** Unconsumed chunks (as Buffers: names decode natively), the first consumed up to `#headOff`. */
  readonly #queue: Buffer[] = [];
  #headOff = 0;
  #buffered = 0;
  #ended = false;
  #position = 0;

  constructor(input: AsyncIterable<Uint8Array> | AsyncIterator<Uint8Array>) {
    this.#iter = Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : input;
  }

  /** Bytes consumed so far (the offset of the next byte in the stream). */
  get position(): number {
    return this.#position;
  }

  /** Bytes buffered and not yet consumed. */
  get buffered(): number {
    return this.#buffered;
  }

  async #pull(): Promise<boolean> {
    while (!this.#ended) {
      const next = await this.#iter.next();
      if (next.done) {
        this.#ended = true;
        return false;
      }
      if (next.value.length > 0) {
        this.#queue.push(asBuffer(next.value));
        this.#buffered += next.value.length;
        return true;
      }
    }
    return false;
  }

  /** Buffers at least `n` bytes; false when the stream ends first (what there is stays buffered). */
  async ensure(n: number): Promise<boolean> {
    while (this.#buffered < n) if (!(await this.#pull())) return false;
    return true;
  }

  /** True when every byte has been consumed and the stream has ended. */
  async atEnd(): Promise<boolean> {
    return !(await this.ensure(1));
  }

  /** The next `n` buffered bytes (n <= buffered) without consuming them; copies only across chunks. */
  peek(n: number): Uint8Array {
    const first = this.#queue[0];
    if (n === 0 || first === undefined) return new Uint8Array(0);
    if (first.length - this.#headOff >= n) return first.subarray(this.#headOff, this.#headOff + n);
    const out = new Uint8Array(n);
    let filled = 0;
    let off = this.#headOff;
    for (const chunk of this.#queue) {
      const part = chunk.subarray(off, off + (n - filled));
      out.set(part, filled);
      filled += part.length;
      off = 0;
      if (filled === n) break;
    }
    return out;
  }

  /**
   * The first buffered chunk, once the next `n` bytes (n <= buffered) lie in it from
   * {@link windowStart} on: a parser reads a record in place, without a view per field. Copies only
   * when the bytes straddle chunks (exactly those `n` bytes, into a chunk of their own).
   */
  window(n: number): Buffer {
    const first = this.#queue[0]!;
    if (first.length - this.#headOff >= n) return first;
    const merged = Buffer.allocUnsafe(n);
    let filled = 0;
    let off = this.#headOff;
    let used = 0;
    while (filled < n) {
      const chunk = this.#queue[used]!;
      const part = Math.min(chunk.length - off, n - filled);
      merged.set(chunk.subarray(off, off + part), filled);
      filled += part;
      off += part;
      if (off === chunk.length) {
        used++;
        off = 0;
      }
    }
    // The merged bytes replace what they were copied from; the rest of a split chunk stays queued.
    if (off > 0) this.#queue[used] = this.#queue[used]!.subarray(off);
    this.#queue.splice(0, used, merged);
    this.#headOff = 0;
    return merged;
  }

  /** Where the next unconsumed byte sits in {@link window}'s chunk. */
  get windowStart(): number {
    return this.#headOff;
  }

  /** Consumes `n` buffered bytes (n <= buffered). */
  skip(n: number): void {
    this.#buffered -= n;
    this.#position += n;
    let left = n;
    while (left > 0) {
      const first = this.#queue[0]!;
      const avail = first.length - this.#headOff;
      if (avail > left) {
        this.#headOff += left;
        return;
      }
      left -= avail;
      this.#queue.shift();
      this.#headOff = 0;
    }
  }

  /** Consumes and returns `n` bytes that are already buffered (n <= buffered): no promise, no tick. */
  takeBuffered(n: number): Uint8Array {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /**
   * Consumes exactly `n` bytes, pulling chunks as needed. Returns the bytes, or the number of bytes
   * that were left before the stream ended (nothing is consumed then). Memory grows with the bytes
   * actually present, never with `n` itself, so a lying size field cannot force a huge allocation.
   */
  async take(n: number): Promise<Uint8Array | number> {
    if (this.#buffered >= n || (await this.ensure(n))) {
      const out = this.peek(n);
      this.skip(n);
      return out;
    }
    return this.#buffered;
  }

  /**
   * Consumes and returns the rest of the first buffered chunk (at most `max` bytes), pulling one if
   * nothing is buffered; undefined at the end. Used to feed decompressors without copying.
   */
  async nextChunk(max: number): Promise<Uint8Array | undefined> {
    if (this.#buffered === 0 && !(await this.#pull())) return undefined;
    const first = this.#queue[0]!;
    const len = Math.min(max, first.length - this.#headOff);
    const out = first.subarray(this.#headOff, this.#headOff + len);
    this.skip(len);
    return out;
  }

  /** Puts bytes back in front (a decompressor read past the end of its stream). */
  unshift(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.#headOff > 0) {
      this.#queue[0] = this.#queue[0]!.subarray(this.#headOff);
      this.#headOff = 0;
    }
    this.#queue.unshift(asBuffer(bytes));
    this.#buffered += bytes.length;
    this.#position -= bytes.length;
  }

  /** Stops the underlying iterator (releases a decompressor when a reader stops early). */
  async close(): Promise<void> {
    this.#ended = true;
    await this.#iter.return?.();
  }

  /** Consumes NUL bytes (padding between archives); stops at the first other byte or the end. */
  async skipZeros(): Promise<void> {
    while (await this.ensure(1)) {
      const first = this.#queue[0]!;
      let i = this.#headOff;
      // NUL padding is short (alignment to 4 or 512 bytes), so a plain scan is cheap here.
      while (i < first.length && first[i] === 0) i++;
      const zeros = i - this.#headOff;
      if (zeros === 0) return;
      this.skip(zeros);
    }
  }
}

/** The same bytes as a Buffer (a view, never a copy). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
