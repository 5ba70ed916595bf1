import { ownCopy } from '../util/own-copy.js';
import type { SequentialSource } from '../util/sequential-source.js';
import { pad4 } from './newc-header.js';

/**
 * The data of one archive entry, read lazily from the stream (the reader hands it out with the
 * entry, as the writer takes a {@link Content}). Read it before asking the reader for the next
 * entry; whatever is left unread is skipped then, so memory never holds more than one decoded chunk
 * of it. Reading it twice, or after the reader moved on, throws.
 */
export interface EntryContent {
  /** Bytes of data (the header's filesize). */
  readonly size: number;
  /**
   * The data as chunks, in order. Each chunk is a view into a decoded buffer: copy it
   * (`new Uint8Array(chunk)`, not `Buffer#slice`, which is a view too) to keep it past the next one.
   */
  chunks(): AsyncIterable<Uint8Array>;
  /** The whole data in one buffer (size is capped by the reader's maxEntrySize). */
  bytes(): Promise<Uint8Array>;
  /**
   * The whole data when it is already in memory (small files the reader found buffered), so a
   * consumer can take it without a promise: a view, copy it to keep it. Undefined when it streams.
   */
  readonly inMemory?: Uint8Array;
}

/** Errors the content reports; made by the reader, which knows the place. */
export interface ContentFaults {
  /** The stream ended `got` bytes into the data. */
  truncated(got: number): Error;
  /** The 070702 sum of the data did not match (`sum` computed). */
  badSum?(sum: number): Error;
}

const EMPTY = new Uint8Array(0);

/** An entry without data (directories, devices, symlinks whose target the reader already took). */
export const NO_CONTENT: EntryContent = {
  size: 0,
  inMemory: EMPTY,
  async *chunks() {},
  bytes: async () => EMPTY,
};

/**
 * Streams `size` data bytes and their padding from `src`. {@link finish} (called by the reader
 * before the next header) consumes what the consumer left, so the 070702 sum, when asked for, is
 * always checked over every byte.
 */
export class StreamedContent implements EntryContent {
  readonly size: number;
  readonly #src: SequentialSource;
  readonly #faults: ContentFaults;
  readonly #check: number | undefined;
  #started = false;
  #closed = false;
  /** Data bytes consumed so far (padding excluded). */
  #got = 0;
  #sum = 0;

  constructor(src: SequentialSource, size: number, faults: ContentFaults, check?: number) {
    this.#src = src;
    this.size = size;
    this.#faults = faults;
    this.#check = check;
  }

  async *chunks(): AsyncGenerator<Uint8Array> {
    if (this.#started || this.#closed) throw new Error('entry content read twice or after the next entry');
    this.#started = true;
    while (this.#got < this.size && !this.#closed) {
      const piece = await this.#next();
      yield piece;
    }
  }

  async bytes(): Promise<Uint8Array> {
    // Gathered, not preallocated: memory grows with the bytes that exist, never with a lying size.
    const parts: Uint8Array[] = [];
    for await (const chunk of this.chunks()) parts.push(chunk);
    // One chunk is a view into a decoded buffer: copied, or keeping it would keep the whole chunk.
    return parts.length === 1 ? ownCopy(parts[0]!) : Buffer.concat(parts);
  }

  /**
   * Finishes without waiting when nothing is left to read (an empty file, or one read to its end
   * with its padding buffered) and the sum holds; false when {@link finish} must be awaited.
   */
  finishNow(): boolean {
    const padding = pad4(this.size) - this.size;
    if (this.#got < this.size || this.#src.buffered < padding) return false;
    if (this.#check !== undefined && this.#sum !== this.#check) return false;
    this.#closed = true;
    if (padding > 0) this.#src.skip(padding);
    return true;
  }

  /** Consumes the unread rest and the padding, and checks the sum. */
  async finish(): Promise<void> {
    this.#closed = true;
    while (this.#got < this.size) await this.#next();
    const padding = pad4(this.size) - this.size;
    if (padding > 0) {
      const got = await this.#src.take(padding);
      if (typeof got === 'number') throw this.#faults.truncated(this.size);
    }
    if (this.#check !== undefined && this.#sum !== this.#check) {
      throw this.#faults.badSum?.(this.#sum) ?? new Error('bad sum');
    }
  }

  async #next(): Promise<Uint8Array> {
    const piece = await this.#src.nextChunk(this.size - this.#got);
    if (piece === undefined) throw this.#faults.truncated(this.#got);
    this.#got += piece.length;
    if (this.#check !== undefined) this.#sum = addBytes(this.#sum, piece);
    return piece;
  }
}

/**
 * Data the reader found whole in the bytes it had buffered (small files): a view into a decoded
 * chunk, handed out without a stream. Like {@link StreamedContent} it reads once; {@link bytes} copies,
 * so keeping the result never keeps the chunk.
 */
export class BufferedContent implements EntryContent {
  readonly #data: Uint8Array;
  #started = false;

  constructor(data: Uint8Array) {
    this.#data = data;
  }

  get size(): number {
    return this.#data.length;
  }

  get inMemory(): Uint8Array {
    return this.#data;
  }

  async *chunks(): AsyncGenerator<Uint8Array> {
    if (this.#started) throw new Error('entry content read twice or after the next entry');
    this.#started = true;
    if (this.#data.length > 0) yield this.#data;
  }

  async bytes(): Promise<Uint8Array> {
    if (this.#started) throw new Error('entry content read twice or after the next entry');
    this.#started = true;
    return ownCopy(this.#data);
  }
}

/** Adds the bytes to a running 32-bit sum (070702's check field). */
export function addBytes(sum: number, bytes: Uint8Array): number {
  let s = sum;
  for (let i = 0; i < bytes.length; i++) s = (s + bytes[i]!) >>> 0;
  return s;
}

/** Content already in memory (records built in tests or read eagerly). */
export function bufferContent(data: Uint8Array): EntryContent {
  return {
    size: data.length,
    inMemory: data,
    async *chunks() {
      if (data.length > 0) yield data;
    },
    bytes: async () => data,
  };
}
