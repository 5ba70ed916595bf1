import type { ToolError } from '../errors/index.js';

/**
 * Library errors speak of fields (`deviceId: expected 1-256 printable characters`) and carry the
 * field in `data.field`; a CLI speaks of its flags. Each tool declares which flag renders which
 * field, and runCli renders the message's leading `field:` as the flag (`--device: ...`). A library
 * caller (the image server) keeps the field.
 */
export type FieldFlags = Readonly<Record<string, string>>;

const TABLES = new WeakMap<object, FieldFlags>();

/** Declares the flag of each library field for `program`'s messages; returns `program`. */
export function declareFieldFlags<T extends object>(program: T, flags: FieldFlags): T {
  TABLES.set(program, flags);
  return program;
}

/** The message of `err` as `program`'s user reads it: the field prefix rendered as its flag. */
export function renderMessage(program: object, err: ToolError): string {
  const field = err.data.field;
  const flag = typeof field === 'string' ? TABLES.get(program)?.[field] : undefined;
  if (flag === undefined || typeof field !== 'string') return err.message;
  return err.message.startsWith(`${field}:`) ? `${flag}${err.message.slice(field.length)}` : err.message;
}
