import { readFileSync } from 'node:fs';

/** The last `count` lines of a stage's log (for showing why it failed); empty when unreadable. */
export function logTail(path: string, count = 20): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.slice(-count);
}
