// The loader matches a DT_NEEDED against objects already loaded, by soname, before searching:
// Debian's libcrypto and libLLVM need `ld-linux-x86-64.so.2`, which is the interpreter itself,
// loaded before them, even when it lives only at /lib64 (outside every search directory).
import { describe, expect, it } from 'vitest';
import { memoryFs } from './memory-fs.js';
import { resolveDeps } from './resolve-deps.js';
import { buildElf } from './test-support/elf-builder.js';

// Debian's ld.so: its trusted directories (in .rodata) are the multiarch ones, not /lib64.
const ldso = Buffer.concat([
  buildElf({ type: 'dyn', soname: 'ld-linux-x86-64.so.2' }),
  Buffer.from('\0/lib/x86_64-linux-gnu/\0/usr/lib/x86_64-linux-gnu/\0', 'latin1'),
]);
const libc = buildElf({ type: 'dyn', soname: 'libc.so.6', needed: ['ld-linux-x86-64.so.2'] });
const lib = buildElf({ type: 'dyn', soname: 'libx.so.1', needed: ['libc.so.6', 'ld-linux-x86-64.so.2'] });
const prog = buildElf({ type: 'exec', interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libx.so.1'] });

const file = (data: Uint8Array) => ({ type: 'file' as const, data, mode: 0o755 });

describe('DT_NEEDED naming an object already loaded', () => {
  it('a library checked on its own: the interpreter soname is the loaded interpreter, found only at /lib64', () => {
    const tree = memoryFs({
      '/lib64/ld-linux-x86-64.so.2': file(ldso),
      '/usr/lib/x86_64-linux-gnu/libc.so.6': file(libc),
      '/usr/lib/x86_64-linux-gnu/libx.so.1': file(lib),
    });
    const [x] = resolveDeps(['/usr/lib/x86_64-linux-gnu/libx.so.1'], tree).binaries;
    expect(x!.libraries.filter((l) => l.path === null)).toEqual([]);
    expect(x!.interpreter).toBe(null);
    expect(x!.ok).toBe(true);
  });

  it('a program: every NEEDED of every object matches the loaded interpreter by soname', () => {
    const tree = memoryFs({
      '/lib64/ld-linux-x86-64.so.2': file(ldso),
      '/usr/lib/x86_64-linux-gnu/libc.so.6': file(libc),
      '/usr/lib/x86_64-linux-gnu/libx.so.1': file(lib),
      '/usr/bin/prog': file(prog),
    });
    const [p] = resolveDeps(['/usr/bin/prog'], tree).binaries;
    expect(p!.ok).toBe(true);
    expect(p!.libraries.filter((l) => l.path === null)).toEqual([]);
  });

  it('positive twin: with no interpreter at the standard path, the name is searched and missing', () => {
    const tree = memoryFs({
      '/opt/ld-linux-x86-64.so.2': file(ldso),
      '/usr/lib64/libc.so.6': file(libc),
      '/usr/lib64/libx.so.1': file(lib),
    });
    const [x] = resolveDeps(['/usr/lib64/libx.so.1'], tree).binaries;
    expect(x!.libraries.filter((l) => l.path === null).map((l) => l.soname)).toEqual([
      'ld-linux-x86-64.so.2',
    ]);
  });
});
