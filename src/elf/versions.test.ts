import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elfHash, versionNeedOffset, withNeededVersion } from './test-support/elf-edit.js';
import { missingVersions, readElfVersions } from './versions.js';

// Real objects of the Debian host: glibc's libc defines its GLIBC_* versions, coreutils' true needs
// some of them, busybox-static has no dynamic section at all.
const libc = readFileSync('/usr/lib/x86_64-linux-gnu/libc.so.6');
const trueBin = readFileSync('/usr/bin/true');

describe('readElfVersions', () => {
  it("reads libc's definitions with the hashes the loader compares", () => {
    const { defs } = readElfVersions(libc, 'libc.so.6');
    const names = defs?.map((d) => d.name) ?? [];
    expect(names[0]).toBe('libc.so.6');
    expect(names).toContain('GLIBC_2.2.5');
    expect(names).toContain('GLIBC_2.34');
    for (const d of defs ?? []) expect(d.hash).toBe(elfHash(d.name));
  });

  it('reads what a program needs from libc, each with its hash, none weak', () => {
    const { needs, defs } = readElfVersions(trueBin, 'true');
    expect(defs).toBeNull();
    expect(needs.map((n) => n.file)).toEqual(['libc.so.6']);
    const versions = needs[0]?.versions ?? [];
    expect(versions.map((v) => v.name)).toContain('GLIBC_2.2.5');
    for (const v of versions) expect(v).toEqual({ name: v.name, hash: elfHash(v.name), weak: false });
  });

  it('finds nothing to check in a static binary', () => {
    expect(readElfVersions(readFileSync('/bin/busybox'), 'busybox')).toEqual({ needs: [], defs: null });
  });

  it('throws a typed error for a Vernaux record past the end of the file', () => {
    const hostile = Uint8Array.from(trueBin);
    const at = versionNeedOffset(hostile);
    new DataView(hostile.buffer).setUint32(at + 8, 0x7fff_ffff, true); // vn_aux
    expect(() => readElfVersions(hostile, 'true')).toThrow(
      /^true:0x[0-9a-f]+: Vernaux: record ends past the file size \d+$/,
    );
  });

  it('throws a typed error for a Verneed record of another revision', () => {
    const hostile = Uint8Array.from(trueBin);
    new DataView(hostile.buffer).setUint16(versionNeedOffset(hostile), 2, true); // vn_version
    expect(() => readElfVersions(hostile, 'true')).toThrow(/vn_version: expected 1, got 2$/);
  });
});

describe('missingVersions', () => {
  const defs = readElfVersions(libc, 'libc.so.6').defs;

  it('finds nothing missing when libc defines every version the program needs', () => {
    const need = readElfVersions(trueBin, 'true').needs[0];
    expect(need && missingVersions(need, defs)).toEqual([]);
  });

  it('names a needed version libc does not define', () => {
    const patched = withNeededVersion(trueBin, 'GLIBC_2.34', 'GLIBC_9.34');
    const need = readElfVersions(patched, 'true').needs[0];
    expect(need && missingVersions(need, defs)).toEqual(['GLIBC_9.34']);
  });

  it('passes a weak reference, and a library without DT_VERDEF (glibc only warns)', () => {
    const weak = withNeededVersion(trueBin, 'GLIBC_2.34', 'GLIBC_9.34', { weak: true });
    const need = readElfVersions(weak, 'true').needs[0];
    expect(need?.versions.find((v) => v.name === 'GLIBC_9.34')?.weak).toBe(true);
    expect(need && missingVersions(need, defs)).toEqual([]);
    const strong = readElfVersions(withNeededVersion(trueBin, 'GLIBC_2.34', 'GLIBC_9.34'), 'true').needs[0];
    expect(strong && missingVersions(strong, null)).toEqual([]);
  });

  it('requires the hash to match as well as the name, as dl-version.c does', () => {
    const need = { file: 'libc.so.6', versions: [{ name: 'GLIBC_2.34', hash: 1, weak: false }] };
    expect(missingVersions(need, defs)).toEqual(['GLIBC_2.34']);
  });
});
