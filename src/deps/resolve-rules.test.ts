import { describe, expect, it } from 'vitest';
import { DF_1 } from '../elf/index.js';
import { type BinaryDeps, type MemoryEntry, memoryFs, resolveDeps } from './index.js';
import { buildElf, type ElfSpec } from './test-support/elf-builder.js';

const file = (spec: ElfSpec, mode = 0o755): MemoryEntry => ({ type: 'file', data: buildElf(spec), mode });
const link = (target: string): MemoryEntry => ({ type: 'symlink', target });
const exe = (spec: ElfSpec = {}): MemoryEntry =>
  file({ interpreter: '/lib64/ld-linux-x86-64.so.2', flags1: DF_1.PIE, ...spec });
const lib = (soname: string, spec: ElfSpec = {}): MemoryEntry => file({ soname, ...spec });
/** A glibc loader whose compiled-in trusted directories are /opt/sys/lib/ and /opt/sys/usr/. */
const ldso: MemoryEntry = {
  type: 'file',
  data: new Uint8Array([
    ...buildElf({ soname: 'ld-linux-x86-64.so.2' }),
    ...Buffer.from('\0/opt/sys/lib/\0/opt/sys/usr/lib/\0\0'),
  ]),
};

function one(tree: Record<string, MemoryEntry>, bin = '/bin/app', opts = {}): BinaryDeps {
  return resolveDeps([bin], memoryFs(tree), opts).binaries[0] as BinaryDeps;
}
const named = (b: BinaryDeps, name: string) => b.libraries.find((l) => l.names.includes(name));

describe('glibc rules on an in-memory image', () => {
  it('reads the trusted directories out of the loader, and falls back to /lib64 /usr/lib64 without one', () => {
    const b = one({
      '/lib64/ld-linux-x86-64.so.2': ldso,
      '/bin/app': exe({ needed: ['liba.so.1'] }),
      '/opt/sys/usr/lib/liba.so.1': lib('liba.so.1'),
    });
    expect(named(b, 'liba.so.1')).toMatchObject({ path: '/opt/sys/usr/lib/liba.so.1', via: 'default-path' });
    expect(named(b, 'liba.so.1')?.searched).toEqual(['/opt/sys/lib/liba.so.1', '/opt/sys/usr/lib/liba.so.1']);
    const noLoader = one({
      '/bin/app': exe({ needed: ['liba.so.1'] }),
      '/usr/lib64/liba.so.1': lib('liba.so.1'),
    });
    expect(noLoader.interpreter).toMatchObject({ path: null, soname: '/lib64/ld-linux-x86-64.so.2' });
    expect(named(noLoader, 'liba.so.1')?.path).toBe('/usr/lib64/liba.so.1');
    expect(noLoader.ok).toBe(false);
  });

  it('passes over a wrong class or machine and goes on; stops at a wrong byte order', () => {
    const tree = {
      '/lib64/ld-linux-x86-64.so.2': ldso,
      '/bin/app': exe({ needed: ['liba.so.1'] }),
      '/opt/sys/lib/liba.so.1': lib('liba.so.1', { class: 32, machine: 3 }),
      '/opt/sys/lib/glibc-hwcaps/x86-64-v3/liba.so.1': lib('liba.so.1', { machine: 183 }),
      '/opt/sys/usr/lib/liba.so.1': lib('liba.so.1'),
    };
    const b = one(tree, '/bin/app', { hwcaps: ['x86-64-v3'] });
    expect(named(b, 'liba.so.1')?.path).toBe('/opt/sys/usr/lib/liba.so.1');
    expect(named(b, 'liba.so.1')?.rejected).toEqual([
      { path: '/opt/sys/lib/glibc-hwcaps/x86-64-v3/liba.so.1', reason: 'wrong machine: aarch64' },
      { path: '/opt/sys/lib/liba.so.1', reason: 'wrong ELF class: ELFCLASS32' },
    ]);
    const be = one({ ...tree, '/opt/sys/lib/liba.so.1': lib('liba.so.1', { endian: 'big' }) });
    expect(named(be, 'liba.so.1')).toMatchObject({
      path: null,
      error: '/opt/sys/lib/liba.so.1: ELF file data encoding not little-endian',
    });
    expect(be.ok).toBe(false);
  });

  it('ignores DT_RPATH when DT_RUNPATH is present, and honours DF_1_NODEFLIB', () => {
    const tree = {
      '/lib64/ld-linux-x86-64.so.2': ldso,
      '/r/liba.so.1': lib('liba.so.1'),
      '/u/liba.so.1': lib('liba.so.1'),
      '/opt/sys/lib/libb.so.1': lib('libb.so.1'),
    };
    const both = one({ ...tree, '/bin/app': exe({ needed: ['liba.so.1'], rpath: '/r', runpath: '/u' }) });
    expect(named(both, 'liba.so.1')).toMatchObject({ path: '/u/liba.so.1', via: 'runpath' });
    const nodef = one({
      ...tree,
      '/bin/app': exe({ needed: ['libb.so.1'], flags1: DF_1.PIE | DF_1.NODEFLIB }),
    });
    expect(named(nodef, 'libb.so.1')?.path).toBeNull();
  });

  it('matches a DT_NEEDED against loaded objects by soname before searching', () => {
    const b = one({
      '/lib64/ld-linux-x86-64.so.2': ldso,
      '/bin/app': exe({ needed: ['liba.so.1', 'libalias.so'], runpath: '/x' }),
      '/x/liba.so.1': lib('libalias.so'),
    });
    expect(named(b, 'libalias.so')?.path).toBe('/x/liba.so.1');
    expect(b.libraries.filter((l) => l.path === '/x/liba.so.1')).toHaveLength(1);
    expect(b.needed).toEqual([
      { name: 'liba.so.1', target: 1 },
      { name: 'libalias.so', target: 1 },
    ]);
  });

  it('does not read ld.so.conf without a cache (the loader does not), but says so; --ldconfig searches it', () => {
    const tree = {
      '/lib64/ld-linux-x86-64.so.2': ldso,
      '/bin/app': exe({ needed: ['libq.so.2'] }),
      '/etc/ld.so.conf': {
        type: 'file',
        data: Buffer.from('include /etc/ld.so.conf.d/*.conf\n'),
      } as MemoryEntry,
      '/etc/ld.so.conf.d/q.conf': { type: 'file', data: Buffer.from('# q\n/opt/q/lib\n') } as MemoryEntry,
      '/opt/q/lib/libq.so.2': lib('libq.so.2'),
    };
    const b = one(tree);
    expect(named(b, 'libq.so.2')).toMatchObject({ path: null });
    expect(named(b, 'libq.so.2')?.hint).toBe(
      '/opt/q/lib/libq.so.2 exists (a directory of /etc/ld.so.conf) but there is no /etc/ld.so.cache: run ldconfig',
    );
    expect(named(one(tree, '/bin/app', { ldSoConfFallback: true }), 'libq.so.2')).toMatchObject({
      path: '/opt/q/lib/libq.so.2',
      via: 'ld.so.conf',
    });
  });

  it('resolves symlinks inside the image only: absolute targets re-rooted, loops stopped', () => {
    const b = one({
      '/lib64/ld-linux-x86-64.so.2': link('/opt/real/ld.so'),
      '/opt/real/ld.so': ldso,
      '/bin/app': exe({ needed: ['liba.so.1', 'libloop.so'] }),
      '/opt/sys/lib': link('../../../../../../data'),
      '/data/liba.so.1': link('liba.so.1.0'),
      '/data/liba.so.1.0': lib('liba.so.1'),
      '/opt/sys/usr/lib/libloop.so': link('libloop.so'),
    });
    expect(b.interpreter?.chain).toEqual(['/lib64/ld-linux-x86-64.so.2', '/opt/real/ld.so']);
    expect(named(b, 'liba.so.1')).toMatchObject({
      path: '/opt/sys/lib/liba.so.1',
      realPath: '/data/liba.so.1.0',
    });
    expect(named(b, 'liba.so.1')?.chain).toEqual(['/opt/sys/lib', '/data/liba.so.1', '/data/liba.so.1.0']);
    expect(named(b, 'libloop.so')?.path).toBeNull();
  });

  it('follows #! scripts to their interpreter and reports non-executables', () => {
    const r = resolveDeps(
      ['/bin/tool', '/etc/motd', '/nope'],
      memoryFs({
        '/bin/tool': { type: 'file', data: Buffer.from('#!/bin/app -x\n') },
        '/bin/app': exe({ needed: [] }),
        '/lib64/ld-linux-x86-64.so.2': ldso,
        '/etc/motd': { type: 'file', data: Buffer.from('hello') },
      }),
    );
    const [tool, motd, nope] = r.binaries;
    expect(tool).toMatchObject({
      identity: 'script',
      ok: true,
      script: { interpreter: '/bin/app', args: '-x' },
    });
    expect(tool?.script?.target.interpreter?.realPath).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(motd).toMatchObject({ identity: 'other', ok: false, error: { code: 'DEPS_NOT_EXECUTABLE' } });
    expect(nope).toMatchObject({
      identity: 'missing',
      ok: false,
      error: { code: 'DEPS_NOT_FOUND', message: '/nope: not found (ENOENT at /nope)' },
    });
    expect(r.ok).toBe(false);
  });
});

describe('musl rules', () => {
  const musl = (spec: ElfSpec = {}): MemoryEntry =>
    file({ interpreter: '/lib/ld-musl-x86_64.so.1', flags1: DF_1.PIE, ...spec });
  it('never picks a glibc library; reserved names are musl itself; the .path file sets the search', () => {
    const tree = {
      '/lib/ld-musl-x86_64.so.1': lib('libc.so'),
      '/bin/app': musl({ needed: ['libz.so.1', 'libc.so', 'libpthread.so.0'] }),
      '/lib/libz.so.1': lib('libz.so.1', { needed: ['libc.so.6'] }),
      '/usr/lib/libz.so.1': lib('libz.so.1', { needed: ['libc.so'] }),
    };
    const b = one(tree);
    expect(b.libc).toBe('musl');
    expect(named(b, 'libz.so.1')).toMatchObject({ path: '/usr/lib/libz.so.1', via: 'musl-path' });
    expect(named(b, 'libz.so.1')?.rejected[0]).toEqual({
      path: '/lib/libz.so.1',
      reason: 'a glibc library (needs libc.so.6 or ld-linux), never loaded by musl',
    });
    expect(named(b, 'libpthread.so.0')?.path).toBe('/lib/ld-musl-x86_64.so.1');
    const withPath = one({
      ...tree,
      '/etc/ld-musl-x86_64.path': { type: 'file', data: Buffer.from('/opt/m\n') },
      '/opt/m/libz.so.1': lib('libz.so.1'),
    });
    expect(named(withPath, 'libz.so.1')?.path).toBe('/opt/m/libz.so.1');
    expect(named(withPath, 'libz.so.1')?.searched).toEqual(['/opt/m/libz.so.1']);
  });
});
