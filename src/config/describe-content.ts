/**
 * What kind of thing a text is, said without any of its content: the words a message uses when a file
 * that should be a node configuration is not a YAML mapping. Such a file is often a secret given in
 * the wrong place (the CONFIG_KEY where node.yaml was expected), so nothing of it is ever quoted.
 */

const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}\r?\n?$/;

/** True when the text cannot be YAML a person wrote: NUL, other control bytes, or invalid UTF-8. */
export function isBinaryText(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for.
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.test(text);
}

/**
 * "one line of base64 of 44 characters (a CONFIG_KEY?)", "binary data (300 bytes)", "a string of
 * 12 characters", "a list of 3 items", "nothing (an empty file)"... Never any of the content.
 */
export function describeContent(text: string, value?: unknown, size?: number): string {
  // The file's size when known: invalid UTF-8 decoded to U+FFFD takes more bytes than it had.
  const bytes = size ?? Buffer.byteLength(text, 'utf8');
  if (isBinaryText(text)) return `binary data (${bytes} bytes)`;
  const trimmed = text.trim();
  if (trimmed === '') return 'nothing (an empty document)';
  if (!trimmed.includes('\n') && BASE64_LINE.test(trimmed)) {
    const hint = trimmed.length === 44 ? ' (a CONFIG_KEY?)' : '';
    return `one line of base64 of ${trimmed.length} characters${hint}`;
  }
  if (Array.isArray(value)) return `a list of ${value.length} items (${bytes} bytes)`;
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (typeof value === 'boolean') return 'true or false';
  if (value === null) return 'null';
  return `${bytes} bytes that are not a mapping`;
}

/** True for a YAML mapping's value (a plain object). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
