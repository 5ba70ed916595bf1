/**
 * A log stream that never holds a secret: every occurrence of a secret value (a captured
 * `secret: true` variable) is replaced by `***`. Text is held back until a newline, so a secret
 * split across two chunks is still caught; the rest is flushed at the end.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export const REDACTED = '***';

/** Replaces each secret in `text`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s !== '') out = out.split(s).join(REDACTED);
  return out;
}

/** A Transform that redacts line by line. */
export function redactingStream(secrets: () => readonly string[]): Transform {
  let pending = '';
  const decoder = new StringDecoder('utf8');
  return new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      pending += decoder.write(chunk);
      const cut = pending.lastIndexOf('\n');
      if (cut < 0) return callback();
      const ready = pending.slice(0, cut + 1);
      pending = pending.slice(cut + 1);
      callback(null, redactText(ready, secrets()));
    },
    flush(callback: TransformCallback) {
      pending += decoder.end();
      callback(null, pending === '' ? undefined : redactText(pending, secrets()));
    },
  });
}
