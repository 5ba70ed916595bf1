import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';

/**
 * One block of a pigz-style gzip stream: raw deflate of `data` after `dictionary`. A job given to
 * {@link DeflatePool.run} moves its buffers to the worker (no copy): `data` and `dictionary` must
 * each be the only view of their ArrayBuffer, which is unusable after the call.
 */
export interface DeflateJob {
  data: Uint8Array;
  /** The 32 KiB of input before `data` (empty for the first block). */
  dictionary: Uint8Array;
  level: number;
  /** The last block ends the deflate stream (Z_FINISH); the others end on a byte (Z_SYNC_FLUSH). */
  last: boolean;
}

/**
 * Deflates one block. The same function runs in the workers (as source, below) and on the calling
 * thread for small inputs, so where a block is compressed never changes its bytes.
 */
export function deflateBlock(job: DeflateJob): Buffer {
  return zlib.deflateRawSync(job.data, {
    level: job.level,
    ...(job.dictionary.length > 0 ? { dictionary: job.dictionary } : {}),
    finishFlush: job.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
  });
}

// The worker's source, evaluated as CommonJS: the library runs from .ts under the test runner and
// from .js when built, and a worker file would exist in only one of them.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', ({ id, data, dictionary, level, last }) => {
  try {
    const out = zlib.deflateRawSync(data, {
      level,
      ...(dictionary.length > 0 ? { dictionary } : {}),
      finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
    });
    // Moved back, not copied; a small output may sit in Buffer's shared pool: copy that one.
    const own = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : new Uint8Array(out);
    parentPort.postMessage({ id, out: own }, [own.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});`;

interface Waiting {
  resolve: (out: Buffer) => void;
  reject: (error: Error) => void;
}

/** A fixed set of worker threads running {@link deflateBlock}; jobs go to the first idle one. */
export class DeflatePool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; job: DeflateJob }[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref(); // a pool left open never keeps the process alive
      worker.on('message', (message: { id: number; out?: Uint8Array; error?: string }) => {
        const entry = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (message.out)
          entry?.resolve(Buffer.from(message.out.buffer, message.out.byteOffset, message.out.length));
        else entry?.reject(new Error(`deflate: ${message.error}`));
        this.idle.push(worker);
        this.dispatch();
      });
      worker.on('error', (error) => this.fail(error));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Deflates `job` on a worker. */
  run(job: DeflateJob): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const done = new Promise<Buffer>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.queue.push({ id, job });
    this.dispatch();
    return done;
  }

  /** Stops the workers; jobs still waiting are rejected. */
  async close(): Promise<void> {
    this.fail(new Error('deflate: the worker pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { id, job } = this.queue.shift()!;
      const moved =
        job.dictionary.byteLength > 0 ? [job.data.buffer, job.dictionary.buffer] : [job.data.buffer];
      worker.postMessage({ id, ...job }, moved as ArrayBuffer[]);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const entry of this.waiting.values()) entry.reject(this.failure);
    this.waiting.clear();
    this.queue.length = 0;
  }
}
