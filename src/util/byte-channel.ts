/**
 * A bounded hand-over of byte chunks from a producer to one async consumer in the same thread: the
 * producer's {@link ByteChannel.push} waits while more than `limit` bytes are queued, so a slow
 * consumer slows the producer instead of growing memory. Used to verify an image from the very
 * chunks being written to it (no second read of the file).
 *
 * Chunks are handed over as they are (no copy): the producer must not modify a chunk after pushing it.
 */
export class ByteChannel implements AsyncIterable<Uint8Array> {
  readonly #limit: number;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  /** The consumer stopped reading: later chunks are dropped, never waited for. */
  #abandoned = false;
  #failure: Error | undefined;
  #iterated = false;
  /** Wakes the consumer when a chunk, the end or a failure arrives. */
  #wakeConsumer: (() => void) | undefined;
  /** Wakes the producer when the queue fell below the limit or the consumer went away. */
  #wakeProducer: (() => void) | undefined;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Queues `chunk`; resolves once the queue is at most `limit` bytes (at once when it already is). */
  push(chunk: Uint8Array): Promise<void> | undefined {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.reject(new Error('byte channel: push after end'));
    if (this.#abandoned || chunk.length === 0) return undefined;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.#wake();
    if (this.#queued <= this.#limit) return undefined;
    return new Promise<void>((resolve) => {
      this.#wakeProducer = resolve;
    });
  }

  /** No more chunks: the consumer sees the end after the queued ones. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** Ends the channel with `error`: the consumer's next read throws it. */
  fail(error: Error): void {
    this.#failure ??= error;
    this.#queue.length = 0;
    this.#queued = 0;
    this.#wake();
    this.#release();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.#iterated) throw new Error('byte channel: read twice');
    this.#iterated = true;
    try {
      for (;;) {
        if (this.#failure) throw this.#failure;
        const chunk = this.#queue.shift();
        if (chunk !== undefined) {
          this.#queued -= chunk.length;
          if (this.#queued <= this.#limit) this.#release();
          yield chunk;
          continue;
        }
        if (this.#ended) return;
        await new Promise<void>((resolve) => {
          this.#wakeConsumer = resolve;
        });
      }
    } finally {
      // Returned early or failed: never leave the producer waiting on a reader that is gone.
      this.#abandoned = true;
      this.#queue.length = 0;
      this.#queued = 0;
      this.#release();
    }
  }

  #wake(): void {
    const wake = this.#wakeConsumer;
    this.#wakeConsumer = undefined;
    wake?.();
  }

  #release(): void {
    const wake = this.#wakeProducer;
    this.#wakeProducer = undefined;
    wake?.();
  }
}
