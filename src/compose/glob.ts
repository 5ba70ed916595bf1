/**
 * The files an `inputs:` or `outputs:` entry names: a path (a file, or a directory taken whole), or
 * a glob with `*`, `?` and `**` (any depth) in its segments. Paths are relative to the stage's
 * directory; nothing is matched above it unless the pattern says `..` literally.
 */
import { type Dirent, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const MAGIC = /[*?[]/;

/** True when the entry is a glob rather than a plain path. */
export function isGlob(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** The existing paths (absolute) that `pattern` names, sorted; a plain path names itself if it exists. */
export function expandPattern(pattern: string, cwd: string): string[] {
  if (!isGlob(pattern)) {
    const path = resolve(cwd, pattern);
    return existsSync(path) ? [path] : [];
  }
  const segments = pattern.split('/');
  const absolute = pattern.startsWith('/');
  const fixed: string[] = [];
  while (segments.length > 0 && !isGlob(segments[0] as string)) fixed.push(segments.shift() as string);
  const base = absolute ? resolve('/', ...fixed) : resolve(cwd, ...fixed);
  const found: string[] = [];
  walk(base, segments, found);
  return [...new Set(found)].sort();
}

function walk(dir: string, segments: string[], found: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) {
    found.push(dir);
    return;
  }
  if (head === '**') {
    walk(dir, rest, found);
    for (const entry of list(dir)) if (entry.isDirectory()) walk(join(dir, entry.name), segments, found);
    return;
  }
  if (!isGlob(head)) {
    const next = join(dir, head);
    if (existsSync(next)) walk(next, rest, found);
    return;
  }
  const re = segmentRegExp(head);
  for (const entry of list(dir)) {
    if (!re.test(entry.name)) continue;
    if (rest.length > 0 && !entry.isDirectory()) continue;
    walk(join(dir, entry.name), rest, found);
  }
}

function list(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** One segment as a regular expression: `*` any run, `?` one character, `[...]` a class; dotfiles need a dot. */
function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${segment
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(segment.startsWith('.') ? `^${re}$` : `^(?!\\.)${re}$`);
}
