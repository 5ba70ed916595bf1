import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElf } from '../deps/test-support/elf-builder.js';
import { cc } from '../deps/test-support/native.js';
import { DF_1, ElfError, identifyFile, readElfFile, readElfInfo } from './index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function elfError(fn: () => unknown): ElfError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ElfError) return err;
    throw err;
  }
  throw new Error('expected an ElfError');
}

describe('readElfFile on real binaries of this machine', () => {
  it('reads /bin/ls: a PIE with an interpreter and DT_NEEDED', () => {
    const info = readElfFile('/bin/ls');
    expect(info).toMatchObject({
      class: 64,
      endian: 'little',
      machine: 62,
      machineName: 'x86_64',
      type: 'dyn',
      kind: 'dynamic',
    });
    expect(info.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(info.needed).toEqual(['libselinux.so.1', 'libc.so.6']);
    expect(info.flags1 & DF_1.PIE).toBe(DF_1.PIE);
  });

  it('reads libc.so.6 as a shared object with a soname, although it has PT_INTERP', () => {
    const info = readElfFile('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(info).toMatchObject({
      kind: 'shared',
      soname: 'libc.so.6',
      needed: ['ld-linux-x86-64.so.2'],
      osabi: 3,
    });
  });

  it('classifies static busybox, a musl static binary and a glibc static-pie', () => {
    expect(readElfFile('/bin/busybox')).toMatchObject({ kind: 'static', type: 'exec', needed: [] });
    const musl = cc(path.join(tmp, 'musl-static'), 'int main(void){return 0;}\n', ['-static'], 'musl-gcc');
    expect(readElfFile(musl)).toMatchObject({ kind: 'static', needed: [] });
    const spie = cc(path.join(tmp, 'spie'), 'int main(void){return 0;}\n', ['-static-pie']);
    const info = readElfFile(spie);
    expect(info.type).toBe('dyn');
    expect(info.interpreter).toBeUndefined();
    expect(info.kind).toBe('static-pie');
  });

  it('reads RPATH and RUNPATH split on colons, tokens unexpanded', () => {
    const rp = cc(path.join(tmp, 'rp'), 'int main(void){return 0;}\n', [
      '-Wl,--disable-new-dtags',
      '-Wl,-rpath,$ORIGIN/../lib:/opt/x',
    ]);
    expect(readElfFile(rp)).toMatchObject({ rpath: ['$ORIGIN/../lib', '/opt/x'], runpath: [] });
    const run = cc(path.join(tmp, 'run'), 'int main(void){return 0;}\n', [
      '-Wl,--enable-new-dtags',
      '-Wl,-rpath,/a:/b',
    ]);
    expect(readElfFile(run)).toMatchObject({ rpath: [], runpath: ['/a', '/b'] });
  });
});

describe('readElfInfo on synthetic objects', () => {
  it('reads ELF32 big-endian (e.g. MIPS) the same way', () => {
    const b = buildElf({
      class: 32,
      endian: 'big',
      machine: 8,
      interpreter: '/lib/ld.so.1',
      needed: ['libc.so.6'],
      rpath: '/x',
    });
    expect(readElfInfo(b, 'mips-bin')).toMatchObject({
      class: 32,
      endian: 'big',
      machine: 8,
      machineName: 'mips',
      kind: 'dynamic',
      interpreter: '/lib/ld.so.1',
      needed: ['libc.so.6'],
      rpath: ['/x'],
    });
  });

  it('reads ELF64 big-endian (s390x) and names unknown machines', () => {
    expect(readElfInfo(buildElf({ endian: 'big', machine: 22, soname: 'libz.so.1' }), 'z')).toMatchObject({
      machineName: 's390',
      soname: 'libz.so.1',
      kind: 'shared',
    });
    expect(readElfInfo(buildElf({ machine: 9999 }), 'u').machineName).toBe('machine-9999');
  });

  it('classifies: exec without interpreter is static, ET_DYN with DF_1_PIE and no interpreter is static-pie, ET_REL is an object', () => {
    expect(readElfInfo(buildElf({ type: 'exec', noDynamic: true }), 's').kind).toBe('static');
    expect(readElfInfo(buildElf({ type: 'dyn', flags1: DF_1.PIE }), 'sp').kind).toBe('static-pie');
    expect(readElfInfo(buildElf({ type: 'rel', noDynamic: true }), 'o').kind).toBe('object');
    expect(readElfInfo(buildElf({ interpreter: '/lib/ld.so', soname: 'libx.so' }), 'x').kind).toBe('shared');
    expect(
      readElfInfo(buildElf({ interpreter: '/lib/ld.so', soname: 'libx.so', flags1: DF_1.PIE }), 'x').kind,
    ).toBe('dynamic');
  });

  it('refuses non-ELF, truncated and inconsistent input with typed errors naming the file', () => {
    expect(
      elfError(() => readElfInfo(new TextEncoder().encode('hello world, not an elf'), 'notes.txt')),
    ).toMatchObject({
      code: 'ELF_BAD_MAGIC',
      message: 'notes.txt:0x0: e_ident: expected \\x7fELF, found other bytes (not an ELF file)',
    });
    const good = buildElf({ needed: ['liba.so'] });
    expect(elfError(() => readElfInfo(good.subarray(0, 40), 'cut')).code).toBe('ELF_TRUNCATED');
    const badClass = good.slice();
    badClass[4] = 7;
    expect(elfError(() => readElfInfo(badClass, 'bin')).message).toBe(
      'bin:0x4: EI_CLASS: expected 1 or 2, got 7',
    );
    const badPhent = good.slice();
    new DataView(badPhent.buffer).setUint16(54, 40, true);
    expect(elfError(() => readElfInfo(badPhent, 'bin')).message).toBe(
      'bin: e_phentsize: expected 56, got 40',
    );
  });

  it('refuses a DT_NEEDED offset past the string table and a huge PT_DYNAMIC as ELF_CORRUPT / ELF_LIMIT', () => {
    const b = buildElf({ needed: ['liba.so'] });
    const v = new DataView(b.buffer);
    // The dynamic section is the last bytes; its first entry is DT_NEEDED.
    const dynAt = b.length - 4 * 16;
    v.setBigUint64(dynAt + 8, 0xffffn, true);
    expect(elfError(() => readElfInfo(b, 'lib')).code).toBe('ELF_CORRUPT');
    const huge = buildElf({ needed: ['liba.so'] });
    // PT_DYNAMIC is the second program header here (PT_LOAD first); p_filesz at +32.
    new DataView(huge.buffer).setBigUint64(64 + 56 + 32, 1n << 40n, true);
    expect(elfError(() => readElfInfo(huge, 'lib')).code).toBe('ELF_LIMIT');
  });
});

describe('identifyFile', () => {
  it('reports a script interpreter and its one argument as the kernel splits them', () => {
    expect(identifyFile(new TextEncoder().encode('#!  /usr/bin/env  python3 -u \necho'))).toEqual({
      kind: 'script',
      interpreter: '/usr/bin/env',
      args: 'python3 -u',
    });
    expect(identifyFile(new TextEncoder().encode('#!/bin/sh\n'))).toEqual({
      kind: 'script',
      interpreter: '/bin/sh',
      args: '',
    });
    expect(identifyFile(new TextEncoder().encode('#!\n'))).toEqual({ kind: 'other' });
    expect(identifyFile(new Uint8Array([1, 2, 3]))).toEqual({ kind: 'other' });
  });

  it('parses ELF files', () => {
    const id = identifyFile(fs.readFileSync('/bin/ls'), '/bin/ls');
    expect(id.kind).toBe('elf');
    if (id.kind === 'elf') expect(id.info.needed).toContain('libc.so.6');
  });
});
