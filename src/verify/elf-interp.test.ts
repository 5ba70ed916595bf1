import { describe, expect, it } from 'vitest';
import { elfInterpreter } from './elf-interp.js';
import { elf } from './test-support/elf.js';

describe('elfInterpreter', () => {
  it('reads PT_INTERP from 64-bit little-endian and 32-bit big-endian files', () => {
    expect(elfInterpreter(elf(true, true, '/lib64/ld-linux-x86-64.so.2'))).toBe(
      '/lib64/ld-linux-x86-64.so.2',
    );
    expect(elfInterpreter(elf(false, false, '/lib/ld.so.1'))).toBe('/lib/ld.so.1');
  });

  it('returns null for a static file, a truncated header, and a non-ELF', () => {
    expect(elfInterpreter(elf(true, true, null))).toBe(null);
    expect(elfInterpreter(elf(true, true, '/lib/ld').subarray(0, 80))).toBe(null);
    expect(elfInterpreter(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]))).toBe(null);
    expect(elfInterpreter(Buffer.from('#!/bin/sh\n'.padEnd(64, ' ')))).toBe(null);
  });
});
