/** Values of the dynamic string tokens; an undefined one makes any path element using it unusable. */
export interface DstValues {
  ORIGIN?: string;
  LIB?: string;
  PLATFORM?: string;
}

/**
 * Expands `$ORIGIN`, `$LIB`, `$PLATFORM` and their `${...}` forms as glibc's `_dl_dst_substitute`: an
 * unbraced name must not run on into letters, digits or `_`; an unknown `$WORD` stays literally. Returns
 * null when a token has no value (glibc then drops that path element).
 */
export function expandDst(
  input: string,
  values: DstValues,
  allowed: ReadonlyArray<keyof DstValues> = ['ORIGIN', 'LIB', 'PLATFORM'],
): string | null {
  if (!input.includes('$')) return input;
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const hit = matchToken(input, i + 1, allowed);
    if (hit === null) {
      out += c;
      continue;
    }
    const value = values[hit.name];
    if (value === undefined) return null;
    out += value;
    i += hit.length;
  }
  return out;
}

function matchToken(
  s: string,
  at: number,
  allowed: ReadonlyArray<keyof DstValues>,
): { name: keyof DstValues; length: number } | null {
  for (const name of allowed) {
    if (s.startsWith(`{${name}}`, at)) return { name, length: name.length + 2 };
    if (s.startsWith(name, at) && !/[A-Za-z0-9_]/.test(s[at + name.length] ?? ''))
      return { name, length: name.length };
  }
  return null;
}

/** The directory of a path as glibc computes an object's origin: everything before the last `/`. */
export function originOf(p: string): string {
  const slash = p.lastIndexOf('/');
  return slash <= 0 ? '/' : p.slice(0, slash);
}
