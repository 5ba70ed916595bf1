import { hexOffset, InputError } from '../errors/index.js';
import { encodeName } from '../util/byte-names.js';
import {
  encodeHeader,
  FIELD_MAX,
  HEADER_SIZE,
  PATH_MAX,
  pad4,
  type RawHeader,
  TRAILER_NAME,
} from './newc-header.js';
import { normalizeName } from './normalize-name.js';
import { type Content, TYPE_BITS, type WriteEntry } from './types.js';

const ZEROS = new Uint8Array(512);
/** GNU cpio and gen_init_cpio pad the archive to 512-byte blocks after the trailer. */
const BLOCK = 512;
const FOUR_GIB = 2 ** 32;

/** Options of {@link NewcWriter}. */
export interface NewcWriterOptions {
  /** Archive name used in messages (default `archive`). */
  source?: string;
}

/**
 * Streams newc (`070701`) records into `out`, honouring backpressure (waits for 'drain').
 * Output depends only on the entries: the same entries give the same bytes.
 *
 * `write` refuses (InputError), before writing anything of that entry: a name that is not
 * normalised or is `TRAILER!!!` (PATH_INVALID), a name over 4096 bytes with its NUL or a symlink
 * target over 4096 bytes (CPIO_NAME_TOO_LONG, never truncated), data of 4 GiB or more
 * (CPIO_FILE_TOO_LARGE, never truncated), a field that is negative, not an integer or over
 * 0xFFFFFFFF (CPIO_BAD_FIELD), content on a directory/device/fifo/socket (CPIO_BAD_FIELD).
 * Content whose bytes differ in number from its declared size gives CPIO_SIZE_MISMATCH (the file
 * changed while being read; the output is then unusable).
 *
 * `info.size` is ignored: the size written is the content's (or the link target's).
 *
 * @example
 * const w = new NewcWriter(fs.createWriteStream('initrd.cpio'));
 * await w.write({ info: dirInfo('etc') });
 * await w.finish(); // trailer + padding; `out` is not ended, so more segments may follow
 */
export class NewcWriter {
  readonly #out: NodeJS.WritableStream;
  readonly #source: string;
  #bytesWritten = 0;
  #finished = false;
  /**
   * Small writes (headers, names, padding, small files) gathered into one block before `out`. It
   * grows to COALESCE_BYTES as the bytes come, and is flushed only when that is full, so `out`
   * sees the same writes whatever it started at: a node's segment of a few KiB never zeroes 256 KiB.
   */
  #pending = new Uint8Array(FIRST_BLOCK);
  #pendingLength = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(out: NodeJS.WritableStream, options: NewcWriterOptions = {}) {
    this.#out = out;
    this.#source = options.source ?? 'archive';
  }

  /** Bytes handed to `out` so far. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Writes one record; calls are serialised. Resolves once `out` accepted the bytes (or drained). */
  write(entry: WriteEntry): Promise<void> {
    return this.#enqueue(() => this.#write(entry));
  }

  /** Writes the TRAILER!!! record and pads to 512 bytes. Does not end `out`. Later writes are refused. */
  finish(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#emitRecord(trailerHeader(), TRAILER_NAME);
      const tail = (BLOCK - (this.#bytesWritten % BLOCK)) % BLOCK;
      if (tail > 0) await this.#emit(ZEROS.subarray(0, tail));
      await this.#flush();
      this.#finished = true;
    });
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(() => {
      if (this.#finished)
        throw new InputError(
          'CPIO_FINISHED',
          `${this.#source}: archive: expected no record after the trailer, got one`,
        );
      return task();
    });
    // A failed record leaves the output unusable: every later call fails with the same error.
    this.#queue = run;
    return run;
  }

  async #write(entry: WriteEntry): Promise<void> {
    const { info } = entry;
    const at = this.#bytesWritten;
    const fail = (code: string, field: string, expected: string, actual: string) =>
      new InputError(
        code,
        `${this.#source}:${hexOffset(at)}: ${info.name}: ${field}: expected ${expected}, got ${actual}`,
        {
          file: this.#source,
          offset: at,
          name: info.name,
          field,
          expected,
          actual,
        },
      );
    if (normalizeName(info.name) !== info.name)
      throw fail(
        'PATH_INVALID',
        'name',
        `normalised ${JSON.stringify(normalizeName(info.name))}`,
        JSON.stringify(info.name),
      );
    if (info.name === TRAILER_NAME)
      throw fail('PATH_INVALID', 'name', 'not the end-of-archive marker', TRAILER_NAME);
    // Names are bytes (util/byte-names.ts): an escaped byte is written as that byte, not as U+FFFD.
    const nameSize = encodeName(info.name).length + 1;
    if (nameSize > PATH_MAX)
      throw fail('CPIO_NAME_TOO_LONG', 'namesize', `<= ${PATH_MAX} bytes with the NUL`, String(nameSize));
    const bits = TYPE_BITS[info.type];
    if (bits === undefined) throw fail('CPIO_BAD_FIELD', 'type', 'an entry type', String(info.type));
    if (!Number.isInteger(info.perm) || info.perm < 0 || info.perm > 0o7777)
      throw fail('CPIO_BAD_FIELD', 'perm', '0 to 0o7777', String(info.perm));
    const isDevice = info.type === 'char-device' || info.type === 'block-device';
    const fields: Array<[string, number]> = [
      ['ino', info.ino],
      ['uid', info.uid],
      ['gid', info.gid],
      ['nlink', info.nlink],
      ['mtime', info.mtime],
      ['devMajor', info.devMajor],
      ['devMinor', info.devMinor],
      ['rdevMajor', isDevice ? info.rdevMajor : 0],
      ['rdevMinor', isDevice ? info.rdevMinor : 0],
    ];
    for (const [field, value] of fields) {
      if (!Number.isInteger(value) || value < 0 || value > FIELD_MAX)
        throw fail('CPIO_BAD_FIELD', field, 'an integer from 0 to 0xFFFFFFFF', String(value));
    }

    let data: Content | undefined;
    let size = 0;
    if (info.type === 'symlink') {
      if (entry.content !== undefined)
        throw fail('CPIO_BAD_FIELD', 'content', 'none for a symlink (the target is linkTarget)', 'content');
      if (!info.linkTarget)
        throw fail(
          'CPIO_BAD_FIELD',
          'linkTarget',
          'a symlink target',
          JSON.stringify(info.linkTarget ?? null),
        );
      if (info.linkTarget.includes('\0'))
        throw fail('CPIO_BAD_FIELD', 'linkTarget', 'no NUL byte', JSON.stringify(info.linkTarget));
      data = encodeName(info.linkTarget);
      size = data.length;
      // The kernel skips symlinks whose target is longer than PATH_MAX (init/initramfs.c do_header).
      if (size > PATH_MAX)
        throw fail('CPIO_NAME_TOO_LONG', 'linkTarget', `<= ${PATH_MAX} bytes`, `${size} bytes`);
    } else if (info.type === 'file') {
      data = entry.content;
      size = data === undefined ? 0 : data instanceof Uint8Array ? data.length : data.size;
      if (!Number.isInteger(size) || size < 0)
        throw fail('CPIO_BAD_FIELD', 'size', 'a byte count', String(size));
      if (size >= FOUR_GIB)
        throw fail('CPIO_FILE_TOO_LARGE', 'filesize', '< 4 GiB (newc stores 32 bits)', `${size} bytes`);
    } else if (entry.content !== undefined) {
      throw fail('CPIO_BAD_FIELD', 'content', `none for a ${info.type}`, 'content');
    }

    const header: RawHeader = {
      magic: '070701',
      ino: info.ino,
      mode: bits | info.perm,
      uid: info.uid,
      gid: info.gid,
      nlink: info.nlink,
      mtime: info.mtime,
      filesize: size,
      devmajor: info.devMajor,
      devminor: info.devMinor,
      rdevmajor: isDevice ? info.rdevMajor : 0,
      rdevminor: isDevice ? info.rdevMinor : 0,
      namesize: nameSize,
      check: 0,
    };
    await this.#emitRecord(header, info.name);
    if (data === undefined) return;
    if (data instanceof Uint8Array) {
      if (data.length > 0) await this.#emit(data);
    } else {
      let seen = 0;
      for await (const chunk of data.open()) {
        if (seen + chunk.length > size)
          throw fail(
            'CPIO_SIZE_MISMATCH',
            'content',
            `${size} bytes (its declared size)`,
            `more than ${size} (the file grew while being read)`,
          );
        seen += chunk.length;
        if (chunk.length > 0) await this.#emit(chunk);
      }
      if (seen !== size)
        throw fail(
          'CPIO_SIZE_MISMATCH',
          'content',
          `${size} bytes (its declared size)`,
          `${seen} (the file shrank while being read)`,
        );
    }
    const pad = pad4(size) - size;
    if (pad > 0) await this.#emit(ZEROS.subarray(0, pad));
  }

  /** Header, name, NUL and padding to 4 bytes, in one write. */
  async #emitRecord(header: RawHeader, name: string): Promise<void> {
    const head = encodeHeader(header);
    const total = pad4(HEADER_SIZE + header.namesize);
    const buf = new Uint8Array(total);
    buf.set(head, 0);
    buf.set(encodeName(name), HEADER_SIZE);
    await this.#emit(buf);
  }

  async #emit(bytes: Uint8Array): Promise<void> {
    this.#bytesWritten += bytes.length;
    // Thousands of tiny writes through a stream pipeline cost far more than the bytes: gather them.
    if (this.#pendingLength + bytes.length <= COALESCE_BYTES) {
      this.#room(this.#pendingLength + bytes.length);
      this.#pending.set(bytes, this.#pendingLength);
      this.#pendingLength += bytes.length;
      return;
    }
    await this.#flush();
    if (bytes.length < COALESCE_BYTES) {
      this.#room(bytes.length);
      this.#pending.set(bytes, 0);
      this.#pendingLength = bytes.length;
      return;
    }
    if (!this.#out.write(bytes)) await drained(this.#out);
  }

  /** Makes the block hold at least `length` bytes (at most COALESCE_BYTES), keeping what it has. */
  #room(length: number): void {
    if (length <= this.#pending.length) return;
    let size = this.#pending.length * 2;
    while (size < length) size *= 2;
    const grown = new Uint8Array(Math.min(size, COALESCE_BYTES));
    grown.set(this.#pending.subarray(0, this.#pendingLength));
    this.#pending = grown;
  }

  /** Hands the gathered bytes to `out` (a copy: the block is reused) and waits if it is full. */
  async #flush(): Promise<void> {
    if (this.#pendingLength === 0) return;
    const block = this.#pending.slice(0, this.#pendingLength);
    this.#pendingLength = 0;
    if (!this.#out.write(block)) await drained(this.#out);
  }
}

const COALESCE_BYTES = 256 * 1024;
/** The block's size at first (COALESCE_BYTES is a power-of-two multiple of it). */
const FIRST_BLOCK = 4 * 1024;

function trailerHeader(): RawHeader {
  // As GNU cpio and gen_init_cpio write it: all zero but nlink 1.
  return {
    magic: '070701',
    ino: 0,
    mode: 0,
    uid: 0,
    gid: 0,
    nlink: 1,
    mtime: 0,
    filesize: 0,
    devmajor: 0,
    devminor: 0,
    rdevmajor: 0,
    rdevminor: 0,
    namesize: TRAILER_NAME.length + 1,
    check: 0,
  };
}

/** Waits for 'drain'; rejects if the stream fails or closes first (never hangs on a dead output). */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      out.removeListener('drain', onDrain);
      out.removeListener('error', onError);
      out.removeListener('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('output closed before it drained'));
    };
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}
