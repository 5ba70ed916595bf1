/** One parsed `WWW-Authenticate` challenge (RFC 7235): the scheme and its auth-params. */
export interface Challenge {
  scheme: 'basic' | 'bearer' | string;
  params: Record<string, string>;
}

/**
 * Parses the first challenge of a `WWW-Authenticate` header value, e.g.
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull,push"`.
 * Quoted values may hold commas and `\"`. Returns `undefined` for an empty or unparsable header.
 */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (header === null) return undefined;
  const match = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  const params: Record<string, string> = {};
  const param = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null = param.exec(rest);
  while (m !== null) {
    const key = (m[1] ?? '').toLowerCase();
    params[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    if (param.lastIndex >= rest.length) break;
    m = param.exec(rest);
  }
  return { scheme, params };
}
