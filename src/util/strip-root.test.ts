import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripRoot } from './strip-root.js';

describe('stripRoot', () => {
  it.each([
    ['etc/x', '', 'etc/x'],
    ['/etc/x', '/', 'etc/x'],
    ['////etc/x', '////', 'etc/x'],
    ['./etc/x', '', 'etc/x'],
    ['.//./etc', '', 'etc'],
    ['C:../x', 'C:', '../x'],
    ['c:C:/x', 'c:C:/', 'x'],
    ['/./C:/.//D:x', '/C:/D:', 'x'],
    ['..', '', '..'],
    ['a:b', 'a:', 'b'],
    ['ab:c', '', 'ab:c'],
    ['\\\\server\\x', '', '\\\\server\\x'],
    ['.', '', '.'],
    ['', '', ''],
  ])('%j -> root %j, rest %j', (name, root, rest) => {
    expect(stripRoot(name)).toEqual([root, rest]);
  });

  it('never leaves a leading `/`, `./` or drive prefix, and only removes a prefix', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('/', './', 'C:', 'z:', '.', '..', 'a', ':', '\\')).map((p) => p.join('')),
        (name) => {
          const [root, rest] = stripRoot(name);
          expect(rest).not.toMatch(/^(\/|\.\/|[A-Za-z]:)/);
          expect(name.endsWith(rest)).toBe(true);
          expect(root.replace(/[^/A-Za-z:]/g, '')).toBe(root);
        },
      ),
    );
  });
});
