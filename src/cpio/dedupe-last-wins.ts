import type { WriteEntry } from './types.js';

/**
 * Returns one entry per name: the LAST entry of a name wins, as when the kernel unpacks (a later
 * record replaces an earlier one; u-root kept the first, a bug). The winner takes the position of
 * the first entry of that name, so a directory still precedes the entries below it. Pure.
 *
 * @example dedupeLastWins([a1, b, a2]) // [a2, b]
 */
export function dedupeLastWins(entries: readonly WriteEntry[]): WriteEntry[] {
  const last = new Map<string, WriteEntry>();
  for (const entry of entries) last.set(entry.info.name, entry);
  const out: WriteEntry[] = [];
  const placed = new Set<string>();
  for (const entry of entries) {
    const name = entry.info.name;
    if (placed.has(name)) continue;
    placed.add(name);
    out.push(last.get(name)!);
  }
  return out;
}
