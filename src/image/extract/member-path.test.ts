import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memberParts, symlinkTarget } from './member-path.js';
import { fileRecord, symlinkRecord } from './test-support/records.js';

const parts = (name: string, maxDepth = 1024) => memberParts(fileRecord(name), maxDepth).parts;
const codeOf = (action: () => unknown): string | undefined => {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('memberParts', () => {
  it.each([
    ['etc/passwd', ['etc', 'passwd']],
    ['./etc//passwd/', ['etc', 'passwd']],
    ['////etc/./x', ['etc', 'x']],
    ['C:/x', ['x']],
    ['.', []],
    ['/', []],
    ['a\\b', ['a\\b']],
    ['..a/b..', ['..a', 'b..']],
  ])('%j -> %j', (name, expected) => {
    expect(parts(name)).toEqual(expected);
  });

  it('reports the stripped root', () => {
    expect(memberParts(fileRecord('//C:/x'), 1024).strippedRoot).toBe('//C:/');
    expect(memberParts(fileRecord('./x'), 1024).strippedRoot).toBe('');
  });

  it.each([
    ['..', 'PATH_ESCAPE'],
    ['a/../b', 'PATH_ESCAPE'],
    ['C:../x', 'PATH_ESCAPE'],
    ['a\0b', 'PATH_INVALID'],
    ['x'.repeat(256), 'EXTRACT_LIMIT'],
    ['a/'.repeat(2048), 'EXTRACT_LIMIT'],
  ])('refuses %j with %s', (name, code) => {
    expect(codeOf(() => parts(name))).toBe(code);
  });

  it('counts depth after dropping empty and `.` components', () => {
    expect(parts('a/./b//c/', 3)).toEqual(['a', 'b', 'c']);
    expect(codeOf(() => parts('a/b/c/d', 3))).toBe('EXTRACT_LIMIT');
  });

  it('never returns `..`, `.`, an empty part or a part with `/` or NUL; refuses only with its codes', () => {
    const piece = fc.constantFrom('/', '.', '..', 'a', 'C:', '\\', '\0', './', '//');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
        (name) => {
          try {
            for (const part of parts(name)) {
              expect(['', '.', '..']).not.toContain(part);
              expect(part).not.toMatch(/[/\0]/);
            }
          } catch (error) {
            expect(['PATH_ESCAPE', 'PATH_INVALID', 'EXTRACT_LIMIT']).toContain(
              (error as { code?: string }).code,
            );
          }
        },
      ),
    );
  });
});

describe('symlinkTarget', () => {
  it('returns the target verbatim, absolute or relative', () => {
    expect(symlinkTarget(symlinkRecord('sh', '/bin/busybox'))).toBe('/bin/busybox');
    expect(symlinkTarget(symlinkRecord('up', '../..'))).toBe('../..');
  });

  it('falls back to the data when linkTarget is absent', () => {
    const record = symlinkRecord('s', 'from-data');
    delete record.info.linkTarget;
    expect(symlinkTarget(record)).toBe('from-data');
  });
});
