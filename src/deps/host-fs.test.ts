import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BinaryDeps, hostFs, type MemoryEntry, memoryFs, resolveDeps, scanBinaries } from './index.js';
import { buildElf } from './test-support/elf-builder.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rock-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const root = path.join(tmp, 'sysroot');

// The same tree on disk (a sysroot) and in memory (an image): absolute links must be re-rooted and a
// link climbing out with `..` must stop at the root, so the host's own libc is never found.
const tree: Record<string, MemoryEntry> = {
  '/lib64/ld-linux-x86-64.so.2': {
    type: 'file',
    data: new Uint8Array([
      ...buildElf({ soname: 'ld-linux-x86-64.so.2' }),
      ...Buffer.from('\0/lib/\0/usr/lib/\0\0'),
    ]),
  },
  '/bin/app': {
    type: 'file',
    data: buildElf({ interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['liba.so.1', 'libc.so.6'] }),
  },
  '/lib': { type: 'symlink', target: 'usr/lib' },
  '/usr/lib/liba.so.1': { type: 'symlink', target: '/usr/lib/liba.so.1.0' },
  '/usr/lib/liba.so.1.0': { type: 'file', data: buildElf({ soname: 'liba.so.1' }) },
  '/usr/lib/libc.so.6': {
    type: 'symlink',
    target: '../../../../../../../../usr/lib/x86_64-linux-gnu/libc.so.6',
  },
};
for (const [p, e] of Object.entries(tree)) {
  const at = path.join(root, p);
  fs.mkdirSync(path.dirname(at), { recursive: true });
  if (e.type === 'symlink') fs.symlinkSync(e.target as string, at);
  else fs.writeFileSync(at, e.data as Uint8Array);
}

function summary(b: BinaryDeps) {
  return b.libraries.map((l) => ({
    names: l.names,
    path: l.path,
    realPath: l.realPath,
    chain: l.chain,
    via: l.via,
  }));
}

describe('hostFs(root): a sysroot', () => {
  it('resolves inside the root only', () => {
    const b = scanBinaries([path.join(root, 'bin/app')], { root }).binaries[0] as BinaryDeps;
    expect(b.path).toBe('/bin/app');
    expect(b.interpreter?.realPath).toBe('/lib64/ld-linux-x86-64.so.2');
    const a = b.libraries.find((l) => l.soname === 'liba.so.1');
    expect(a).toMatchObject({
      path: '/lib/liba.so.1',
      realPath: '/usr/lib/liba.so.1.0',
      via: 'default-path',
    });
    expect(a?.chain).toEqual(['/lib', '/usr/lib/liba.so.1', '/usr/lib/liba.so.1.0']);
    const c = b.libraries.find((l) => l.soname === 'libc.so.6');
    expect(c?.path).toBeNull();
    expect(b.ok).toBe(false);
  });

  it('gives the same answer as the same tree held in memory', () => {
    const disk = resolveDeps(['/bin/app'], hostFs(root)).binaries[0] as BinaryDeps;
    const mem = resolveDeps(['/bin/app'], memoryFs(tree)).binaries[0] as BinaryDeps;
    expect(summary(mem)).toEqual(summary(disk));
  });

  it('never reads outside the root, even given a path that climbs', () => {
    const view = hostFs(root);
    expect(view.lstat('/../../../../etc/passwd')).toBeNull();
    expect(() => view.read('/usr/lib/libc.so.6')).toThrow();
    expect(view.lstat('/usr/lib/libc.so.6')?.type).toBe('symlink');
    expect(() => hostFs(path.join(root, 'bin/app'))).toThrow(/: root: expected a directory, found a file/);
  });
});
