import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSegmentProblem } from './load-segments.js';

describe('loadSegmentProblem', () => {
  const libc = readFileSync('/usr/lib/x86_64-linux-gnu/libc.so.6');

  it('accepts a whole library', () => {
    expect(loadSegmentProblem(libc, 'libc.so.6')).toBeNull();
  });

  it('names the segment of a library cut short after its headers', () => {
    const cut = libc.subarray(0, Math.floor(libc.length / 2));
    expect(loadSegmentProblem(cut, 'libc.so.6')).toMatch(
      /^PT_LOAD at 0x[0-9a-f]+\+\d+ ends past the file size \d+/,
    );
  });

  it('throws a typed error for a file whose headers are gone', () => {
    expect(() => loadSegmentProblem(libc.subarray(0, 10), 'libc.so.6')).toThrow(/ELF|e_ident|truncat/i);
  });
});
