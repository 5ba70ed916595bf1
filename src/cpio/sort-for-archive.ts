import { encodeName } from '../util/byte-names.js';
import type { WriteEntry } from './types.js';

/**
 * Returns the entries in a deterministic order: names compared component by component, each
 * component by its bytes (names are bytes, util/byte-names.ts; not by UTF-16 code units, not by locale), so a directory comes right
 * before everything below it and the order never depends on the host. Stable for equal names. Pure.
 *
 * @example sortForArchive([e('a.b'), e('a/x'), e('a')]).map((x) => x.info.name) // ['a', 'a/x', 'a.b']
 */
export function sortForArchive(entries: readonly WriteEntry[]): WriteEntry[] {
  const keyed = entries.map((entry, index) => ({
    entry,
    index,
    parts: entry.info.name.split('/').map((part) => encodeName(part)),
  }));
  keyed.sort((a, b) => {
    const n = Math.min(a.parts.length, b.parts.length);
    for (let i = 0; i < n; i++) {
      const c = Buffer.compare(a.parts[i]!, b.parts[i]!);
      if (c !== 0) return c;
    }
    return a.parts.length - b.parts.length || a.index - b.index;
  });
  return keyed.map((k) => k.entry);
}
