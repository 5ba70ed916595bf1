/**
 * The `.gitignore`-style patterns of a manifest's `exclude:`: `*.o` and `target/` match at any
 * depth, `/out` or `a/b` are anchored to the source directory, a trailing `/` matches directories
 * only, `*` and `?` stay inside one path segment, `**` spans segments, and `!pattern` takes back
 * what an earlier pattern excluded (the last matching pattern decides, as in git; a file under an
 * excluded directory stays excluded, since the directory is never read).
 */
export type ExcludeMatcher = (relative: string, isDirectory: boolean) => boolean;

/** A matcher for `patterns`; a path is excluded when any pattern matches it. */
export function excludeMatcher(patterns: readonly string[]): ExcludeMatcher {
  const rules = patterns.map(compile);
  return (relative, isDirectory) => {
    let excluded = false;
    for (const r of rules) {
      if ((!r.directoryOnly || isDirectory) && r.regex.test(relative)) excluded = !r.negated;
    }
    return excluded;
  };
}

function compile(pattern: string): { regex: RegExp; directoryOnly: boolean; negated: boolean } {
  const negated = pattern.startsWith('!');
  let p = negated ? pattern.slice(1) : pattern;
  const directoryOnly = p.endsWith('/');
  if (directoryOnly) p = p.replace(/\/+$/, '');
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  const body = p
    .split('/')
    .map((segment) => (segment === '**' ? '(?:.*/)?' : `${globSegment(segment)}/`))
    .join('')
    .replace(/\/$/, '');
  return {
    regex: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body.replace(/\(\?:\.\*\/\)\?$/, '.*')}$`, 's'),
    directoryOnly,
    negated,
  };
}

function globSegment(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}
