import { describe, expect, it } from 'vitest';
import { execOutcome, scriptInterpreter } from './exec-model.js';
import { elf } from './test-support/elf.js';
import { buildRecords, fakeElf, type Spec } from './test-support/good-image.js';
import { unpackLikeKernel } from './unpack.js';

const base: Spec[] = [
  { name: 'bin', type: 'directory', perm: 0o755 },
  { name: 'bin/busybox', type: 'file', perm: 0o755, data: fakeElf() },
  { name: 'bin/sh', type: 'symlink', perm: 0o777, target: 'busybox' },
];

async function tree(extra: Spec[]) {
  return unpackLikeKernel(buildRecords([...base, ...extra]));
}

describe('scriptInterpreter', () => {
  it('takes the first word after #!, spaces allowed before it', () => {
    expect(scriptInterpreter(Buffer.from('#! /bin/sh -e\nx'))).toBe('/bin/sh');
    expect(scriptInterpreter(Buffer.from('#!\n'))).toBe('');
    expect(scriptInterpreter(Buffer.from('echo'))).toBe(null);
  });
});

describe('execOutcome', () => {
  it('runs a script through a symlinked interpreter', async () => {
    const t = await tree([{ name: 'run', type: 'file', perm: 0o755, data: '#!/bin/sh\n' }]);
    expect(execOutcome(t, '/run')).toMatchObject({ ok: true, path: '/run' });
  });

  it('refuses a dynamic ELF whose loader is missing, accepts it once the loader is there', async () => {
    const program: Spec = {
      name: 'bin/app',
      type: 'file',
      perm: 0o755,
      data: elf(true, true, '/lib/ld-musl-x86_64.so.1'),
    };
    const missing = await tree([program]);
    expect(execOutcome(missing, '/bin/app')).toEqual({
      ok: false,
      stage: 'exec',
      errno: 'ENOENT',
      why: '/bin/app: ELF interpreter /lib/ld-musl-x86_64.so.1 does not run (/lib/ld-musl-x86_64.so.1: ENOENT at /lib)',
    });
    const present = await tree([
      program,
      { name: 'lib', type: 'directory', perm: 0o755 },
      { name: 'lib/ld-musl-x86_64.so.1', type: 'file', perm: 0o755, data: fakeElf() },
    ]);
    expect(execOutcome(present, '/bin/app').ok).toBe(true);
  });

  it("never follows the loader's own PT_INTERP: a loader naming itself or its twin loads (no recursion)", async () => {
    const t = await tree([
      { name: 'bin/app', type: 'file', perm: 0o755, data: elf(true, true, '/lib/ld.so') },
      { name: 'bin/twin', type: 'file', perm: 0o755, data: elf(true, true, '/lib/a.so') },
      { name: 'lib', type: 'directory', perm: 0o755 },
      // The shape of the differential test's counterexample: the loader replaced by a dynamic program.
      { name: 'lib/ld.so', type: 'file', perm: 0o755, data: elf(true, true, '/lib/ld.so') },
      { name: 'lib/a.so', type: 'file', perm: 0o755, data: elf(true, true, '/lib/b.so') },
      { name: 'lib/b.so', type: 'file', perm: 0o755, data: elf(true, true, '/lib/a.so') },
    ]);
    expect(execOutcome(t, '/bin/app').ok).toBe(true);
    expect(execOutcome(t, '/bin/twin').ok).toBe(true);
    expect(execOutcome(t, '/lib/ld.so').ok).toBe(true);
  });

  it('refuses a loader that is no ELF file (ELIBBAD) or has no execute bit (EACCES), as load_elf_binary does', async () => {
    const t = await tree([
      { name: 'bin/script-loader', type: 'file', perm: 0o755, data: elf(true, true, '/lib/run.sh') },
      { name: 'bin/closed-loader', type: 'file', perm: 0o755, data: elf(true, true, '/lib/ld.so') },
      { name: 'lib', type: 'directory', perm: 0o755 },
      { name: 'lib/run.sh', type: 'file', perm: 0o755, data: '#!/bin/sh\n' },
      { name: 'lib/ld.so', type: 'file', perm: 0o644, data: fakeElf() },
    ]);
    expect(execOutcome(t, '/bin/script-loader')).toEqual({
      ok: false,
      stage: 'exec',
      errno: 'ELIBBAD',
      why: '/bin/script-loader: ELF interpreter /lib/run.sh does not run (/lib/run.sh is not an ELF file)',
    });
    expect(execOutcome(t, '/bin/closed-loader')).toMatchObject({ ok: false, stage: 'exec', errno: 'EACCES' });
  });

  it('separates init_eaccess failures (lookup) from execve failures (exec)', async () => {
    const t = await tree([
      { name: 'noexec', type: 'file', perm: 0o644, data: fakeElf() },
      { name: 'empty', type: 'file', perm: 0o755 },
      { name: 'self', type: 'file', perm: 0o755, data: '#!/self\n' },
    ]);
    expect(execOutcome(t, '/noexec')).toMatchObject({ ok: false, stage: 'lookup', errno: 'EACCES' });
    expect(execOutcome(t, '/missing')).toMatchObject({ ok: false, stage: 'lookup', errno: 'ENOENT' });
    expect(execOutcome(t, '/bin')).toMatchObject({ ok: false, stage: 'exec', errno: 'EACCES' });
    expect(execOutcome(t, '/empty')).toMatchObject({ ok: false, stage: 'exec', errno: 'ENOEXEC' });
    expect(execOutcome(t, '/self')).toMatchObject({ ok: false, stage: 'exec', errno: 'ELOOP' });
  });
});
