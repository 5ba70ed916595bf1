/** Leading parts that make a name absolute or drive-relative, and the harmless `./`. */
const PREFIX = /^(?:\/+|\.\/+|[A-Za-z]:)/;

/**
 * Strips every leading root from an archive member name, repeatedly: any number of `/`, `./`, and
 * drive-relative prefixes such as `C:` (so `C:../x` becomes `../x` and `//C:/etc` becomes `etc`).
 *
 * Roots must go before the `..` test, never after: node-tar stripped `/` only once (`////etc/x`) and
 * checked `..` before removing `C:` (CVE-2021-32804, CVE-2021-37713). A backslash is a literal
 * character on Linux and is kept.
 *
 * Returns `[root, rest]`: `root` is what made the name absolute (the removed `/` and drive parts, without
 * `./`; empty for a relative name) and `rest` the remaining name. Refuses nothing.
 *
 * @example
 * stripRoot('////etc/x'); // ['////', 'etc/x']
 * stripRoot('./C:../x'); // ['C:', '../x']
 */
export function stripRoot(name: string): [root: string, rest: string] {
  let root = '';
  let rest = name;
  for (let match = PREFIX.exec(rest); match !== null; match = PREFIX.exec(rest)) {
    const prefix = match[0];
    if (!prefix.startsWith('.')) root += prefix;
    rest = rest.slice(prefix.length);
  }
  return [root, rest];
}
