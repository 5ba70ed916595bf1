import path from 'node:path';
import type { FsView } from './fs-view.js';
import { resolveIn } from './resolve-path.js';

/** Nested `include` levels followed before stopping (a file including itself would loop forever). */
const MAX_INCLUDE_DEPTH = 16;

/** The directories of an ld.so.conf, in order, and what could not be read. */
export interface LdSoConf {
  dirs: string[];
  /** Files named by `include` that could not be read, and globs that could not be expanded. */
  problems: string[];
}

/**
 * Reads ld.so.conf as ldconfig does: one directory per line (a trailing `=type` dropped), `#` comments,
 * `include PATTERN...` with glob patterns relative to the including file's directory (expanded in sorted
 * order, as glob(3)), `hwcap` lines ignored. Duplicates keep their first position. Never throws: unreadable
 * files are listed in `problems`.
 */
export function parseLdSoConf(view: FsView, file = '/etc/ld.so.conf'): LdSoConf {
  const out: LdSoConf = { dirs: [], problems: [] };
  const seen = new Set<string>();
  readConf(view, file, 0, out, seen);
  return out;
}

function readFile(view: FsView, file: string): string | null {
  const r = resolveIn(view, file, true);
  if (!r.ok || r.type !== 'file') return null;
  try {
    return Buffer.from(view.read(r.path, 0, Math.min(r.stat.size, 1 << 20))).toString('utf8');
  } catch {
    return null;
  }
}

function readConf(view: FsView, file: string, depth: number, out: LdSoConf, seen: Set<string>): void {
  const text = readFile(view, file);
  if (text === null) {
    out.problems.push(`${file}: cannot read`);
    return;
  }
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*/, '').trim();
    if (line === '') continue;
    const m = /^include[ \t]+(.*)$/.exec(line);
    if (m?.[1] !== undefined) {
      if (depth >= MAX_INCLUDE_DEPTH) {
        out.problems.push(`${file}: include nested deeper than ${MAX_INCLUDE_DEPTH}`);
        continue;
      }
      for (const pattern of m[1].split(/[ \t]+/).filter(Boolean)) {
        const abs = pattern.startsWith('/') ? pattern : path.posix.join(path.posix.dirname(file), pattern);
        for (const included of expandGlob(view, abs, out)) readConf(view, included, depth + 1, out, seen);
      }
      continue;
    }
    if (/^hwcap[ \t]/.test(line)) continue;
    const dir = line.replace(/=.*$/, '').replace(/\/+$/, '') || '/';
    if (!seen.has(dir)) {
      seen.add(dir);
      out.dirs.push(dir);
    }
  }
}

function hasMagic(s: string): boolean {
  return /[*?[]/.test(s);
}

/** Expands a glob pattern component by component inside the view; sorted like glob(3). */
export function expandGlob(view: FsView, pattern: string, out?: LdSoConf): string[] {
  if (!hasMagic(pattern)) return [pattern];
  let bases = ['/'];
  for (const part of pattern.split('/').filter(Boolean)) {
    const next: string[] = [];
    for (const base of bases) {
      if (!hasMagic(part)) {
        next.push(path.posix.join(base, part));
        continue;
      }
      const r = resolveIn(view, base, true);
      if (!r.ok || r.type !== 'directory') continue;
      if (!view.readdir) {
        out?.problems.push(`${pattern}: this view cannot list directories`);
        continue;
      }
      const re = globToRegExp(part);
      for (const name of view.readdir(r.path).sort()) {
        if (re.test(name) && !(name.startsWith('.') && !part.startsWith('.')))
          next.push(path.posix.join(base, name));
      }
    }
    bases = next;
  }
  return bases;
}

function globToRegExp(part: string): RegExp {
  let re = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = part.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = part
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
