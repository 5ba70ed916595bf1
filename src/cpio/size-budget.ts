import { cpioError, type StreamPlace } from './errors.js';

/**
 * The one cap on cpio bytes over all segments (after decompression): every segment charges what it
 * reads here, plain segments per record (before reading it), compressed ones per decoded chunk, so
 * the limit is checked in one place with one message.
 */
export class SizeBudget {
  readonly max: number;
  #total = 0;

  constructor(max: number) {
    this.max = max;
  }

  get total(): number {
    return this.#total;
  }

  /** Adds `bytes`; throws CPIO_LIMIT naming `place`/`offset` once the total passes the cap. */
  charge(bytes: number, place: StreamPlace, offset: number): void {
    this.#total += bytes;
    if (this.#total > this.max) {
      throw cpioError(
        'CPIO_LIMIT',
        place,
        offset,
        'total size',
        `<= ${this.max} bytes of cpio data over all segments (maxTotalSize)`,
        `more than ${this.#total - bytes} bytes`,
      );
    }
  }
}
