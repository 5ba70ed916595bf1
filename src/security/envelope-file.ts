import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, ToolError } from '../errors/index.js';
import { createAtomicWriteStream } from '../util/atomic-write.js';
import { openInput } from '../util/open-input.js';
import { refuseOutputAmongInputs } from '../util/output-among-inputs.js';
import { decryptChunks, encryptChunks } from './envelope.js';
import { errnoCode, readConfigKey } from './key-file.js';

/** Options of {@link encryptFile} and {@link decryptFile}. */
export interface CryptFileOptions {
  /** Permission bits of the output; default 0644 for an envelope, 0600 for a decrypted config. */
  mode?: number;
}

/** What {@link encryptFile} or {@link decryptFile} wrote. */
export interface CryptFileResult {
  input: string;
  output: string;
  bytesIn: number;
  bytesOut: number;
  /** Permission bits of the key file it used (callers warn when group or others can read it). */
  keyPerm: number;
}

/**
 * Encrypts `input` into the envelope format (see `envelope.ts`) with the key in `keyFile`, streaming,
 * and writes `output` atomically. Returns the byte counts.
 *
 * Refuses OUTPUT_IS_INPUT (output is the input or the key), the key errors of `readConfigKey`,
 * INPUT_NOT_FOUND / INPUT_NOT_FILE, and OUTPUT_WRITE_FAILED.
 */
export async function encryptFile(
  input: string,
  output: string,
  keyFile: string,
  options: CryptFileOptions = {},
): Promise<CryptFileResult> {
  refuseInputs(input, output, keyFile);
  const { key, perm } = readConfigKey(keyFile);
  try {
    return await transformFile(input, output, options.mode ?? 0o644, perm, (src) => encryptChunks(key, src));
  } finally {
    key.fill(0);
  }
}

/**
 * Decrypts the envelope `input` with the key in `keyFile` into `output`. The plaintext goes to a
 * temporary file beside `output` that is renamed over it only after the GCM tag has verified, so a
 * wrong key or a tampered file leaves `output` as it was (absent or old) and no plaintext behind.
 *
 * Refuses ENVELOPE_BAD_MAGIC, ENVELOPE_BAD_VERSION, ENVELOPE_TRUNCATED, ENVELOPE_AUTH_FAILED (exit 2),
 * the key errors, INPUT_NOT_FOUND / INPUT_NOT_FILE and OUTPUT_WRITE_FAILED.
 */
export async function decryptFile(
  input: string,
  output: string,
  keyFile: string,
  options: CryptFileOptions = {},
): Promise<CryptFileResult> {
  refuseInputs(input, output, keyFile);
  const { key, perm } = readConfigKey(keyFile);
  try {
    return await transformFile(input, output, options.mode ?? 0o600, perm, (src) =>
      decryptChunks(key, src, input),
    );
  } finally {
    key.fill(0);
  }
}

/** The output must be neither the input nor the key (`-o CONFIG_KEY` would destroy the key). */
function refuseInputs(input: string, output: string, keyFile: string): void {
  refuseOutputAmongInputs(output, [
    { path: input, field: 'input' },
    { path: keyFile, field: 'key' },
  ]);
}

async function transformFile(
  input: string,
  output: string,
  mode: number,
  keyPerm: number,
  transform: (source: AsyncIterable<Uint8Array>) => AsyncIterable<Buffer>,
): Promise<CryptFileResult> {
  // The input is opened lazily, inside the pipeline: its errors abort the temporary output too.
  let out: ReturnType<typeof createAtomicWriteStream>;
  try {
    out = createAtomicWriteStream(output, { mode });
  } catch (err) {
    // Our atomic writer already says what is wrong with the output, in one line.
    if (err instanceof ToolError) throw err;
    throw new InputError('OUTPUT_WRITE_FAILED', `${output}: cannot write: ${errnoCode(err)}`, {
      path: output,
    });
  }
  let bytesIn = 0;
  let bytesOut = 0;
  const counted = (async function* () {
    for await (const chunk of openInput(input)) {
      bytesIn += chunk.length;
      yield chunk;
    }
  })();
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytesOut += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(transform(counted)), count, out.stream, { end: false });
  } catch (err) {
    await out.abort();
    if (err instanceof InputError) throw err;
    // Our atomic writer already says what is wrong with the output, in one line.
    if (err instanceof ToolError) throw err;
    throw new InputError('OUTPUT_WRITE_FAILED', `${output}: cannot write: ${errnoCode(err)}`, {
      path: output,
    });
  }
  try {
    await out.commit();
  } catch (err) {
    // Our atomic writer already says what is wrong with the output, in one line.
    if (err instanceof ToolError) throw err;
    throw new InputError('OUTPUT_WRITE_FAILED', `${output}: cannot write: ${errnoCode(err)}`, {
      path: output,
    });
  }
  return { input, output, bytesIn, bytesOut, keyPerm };
}
