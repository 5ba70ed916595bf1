import { StringDecoder } from 'node:string_decoder';

/**
 * Escape sequences SeaBIOS and the kernel's decompressor write to the serial port (`ESC c`,
 * `ESC [?7l`, `ESC [2J`, ...): terminal control, never console text.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC control character is the point
const ANSI_ESCAPE = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_a-z])/g;

/** Strips `\r` and terminal escape sequences from one console line. */
export function cleanConsoleLine(raw: string): string {
  return raw.replace(ANSI_ESCAPE, '').replace(/\r/g, '');
}

/**
 * Cuts a serial console byte stream into lines as the bytes arrive.
 *
 * `push` returns the lines completed by a chunk (cleaned, without the newline); `end` returns the
 * unterminated rest, if any. Multi-byte UTF-8 characters split across chunks are kept whole.
 */
export class ConsoleLineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Feeds one chunk; returns the lines it completed. */
  push(chunk: Uint8Array): string[] {
    const text = this.pending + this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    const parts = text.split('\n');
    this.pending = parts.pop() ?? '';
    return parts.map(cleanConsoleLine);
  }

  /** Flushes the last, unterminated line; returns `[]` when there is none. */
  end(): string[] {
    const rest = cleanConsoleLine(this.pending + this.decoder.end());
    this.pending = '';
    return rest === '' ? [] : [rest];
  }
}
