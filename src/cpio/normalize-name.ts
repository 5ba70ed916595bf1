import { InputError } from '../errors/index.js';

/**
 * Returns the archive form of a path: no leading `/` or `./` (stripped repeatedly, so `////etc/x`
 * and `././x` become `etc/x` and `x`), no `//`, no `.` parts, no trailing `/`. Idempotent.
 * Refuses (InputError PATH_INVALID) a name with a `..` part (checked after stripping roots, the
 * lesson of node-tar's advisories), a NUL byte, or nothing left (`/`, `.`).
 *
 * @example normalizeName('/./usr//bin/') // 'usr/bin'
 */
export function normalizeName(name: string): string {
  if (name.includes('\0')) throw invalid(name, 'no NUL byte');
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw invalid(name, "no '..' part");
  if (parts.length === 0) throw invalid(name, 'a path below the root');
  return parts.join('/');
}

function invalid(name: string, expected: string): InputError {
  return new InputError(
    'PATH_INVALID',
    `${JSON.stringify(name)}: name: expected ${expected}, got ${JSON.stringify(name)}`,
    {
      name,
      field: 'name',
      expected,
      actual: name,
    },
  );
}
