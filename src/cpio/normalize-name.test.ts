import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeName } from './normalize-name.js';

describe('normalizeName', () => {
  it.each([
    ['/etc/x', 'etc/x'],
    ['//etc/x', 'etc/x'],
    ['////etc/x', 'etc/x'],
    ['./etc/x', 'etc/x'],
    ['././/./etc//x/', 'etc/x'],
    ['usr/./bin/', 'usr/bin'],
    ['a b/ü', 'a b/ü'],
  ])('%j -> %j', (input, output) => {
    expect(normalizeName(input)).toBe(output);
  });

  it.each(['..', '../x', 'a/../../x', 'a/..', '/../etc', './..'])('refuses %j with PATH_INVALID', (name) => {
    expect(() => normalizeName(name)).toThrow(expect.objectContaining({ code: 'PATH_INVALID' }));
  });

  it.each(['', '/', '.', './', '//./'])('refuses the empty result of %j', (name) => {
    expect(() => normalizeName(name)).toThrow(expect.objectContaining({ code: 'PATH_INVALID' }));
  });

  it('refuses a NUL', () => {
    expect(() => normalizeName('a\0b')).toThrow('"a\\u0000b": name: expected no NUL byte');
  });

  it('is idempotent and never leaves //, a leading / or ./, or a trailing /', () => {
    const part = fc.constantFrom('', '.', 'a', 'bc', ' x', 'ü');
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), fc.boolean(), (parts, lead) => {
        const name = (lead ? '/' : '') + parts.join('/');
        let out: string;
        try {
          out = normalizeName(name);
        } catch {
          return true;
        }
        expect(normalizeName(out)).toBe(out);
        expect(out).not.toMatch(/^\/|^\.\/|\/\/|\/$|(^|\/)\.(\/|$)/);
        return true;
      }),
    );
  });
});
