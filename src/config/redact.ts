import { isScalar, parseDocument, visit } from 'yaml';
import { SECRET_KEYS } from './schema.js';

/** What a redacted value is replaced by. */
export const REDACTED = '<redacted>';

/**
 * Returns the YAML text with the value of every secret key (`token`, `password`, `secret`,
 * `private_key`, at any depth) replaced by `<redacted>`, comments and layout kept. A secret that is a
 * mapping or a list is replaced whole. Text that is not valid YAML is returned as one line saying so,
 * never echoed (it may hold a secret the parser could not locate).
 */
export function redactYaml(text: string): string {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return '# (not valid YAML: nothing shown; run rock-config validate)\n';
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && SECRET_KEYS.has(String(pair.key.value)) && pair.value !== null) {
        // A scalar keeps its node (and so its comment); a mapping or list is replaced whole.
        if (isScalar(pair.value)) {
          pair.value.value = REDACTED;
          pair.value.type = 'PLAIN';
        } else pair.value = doc.createNode(REDACTED);
      }
    },
  });
  return doc.toString();
}
