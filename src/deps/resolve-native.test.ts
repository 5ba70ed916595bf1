import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EM } from '../elf/index.js';
import { hostPlatform } from './abi.js';
import { type BinaryDeps, hostFs, resolveDeps } from './index.js';
import { cc, lddReport, sharedLib } from './test-support/native.js';

/** What ld.so makes of ${PLATFORM} on this CPU: `haswell` on a recent Intel, else `x86_64`. */
const PLATFORM = hostPlatform({ machine: EM.X86_64, class: 64 }) ?? 'x86_64';

// Ground truth is the system loader itself (ldd), run only here: every case is a real binary built by gcc.
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rock-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const main = 'int x(void);\nint main(void) { return x() == 42; }\n';
const d = (...p: string[]): string => path.join(tmp, ...p);

function ours(b: BinaryDeps): { paths: string[]; missing: string[] } {
  return {
    paths: [...new Set(b.libraries.filter((l) => l.realPath).map((l) => l.realPath as string))].sort(),
    missing: b.libraries
      .filter((l) => l.path === null)
      .map((l) => l.soname)
      .sort(),
  };
}

beforeAll(() => {
  for (const dir of ['a', 'b', 'lib', 'c', 'bin', 'lib/x86_64-linux-gnu', PLATFORM])
    fs.mkdirSync(d(dir), { recursive: true });
  sharedLib(d('a', 'liby.so'), 'y');
  sharedLib(d('b', 'liby.so'), 'y');
  sharedLib(d('lib', 'libx.so'), 'x', ['y'], [`-L${d('a')}`, '-ly']);
  cc(d('c', 'libv.so.1.2.3'), 'int v(void) { return 0; }\n', ['-shared', '-fPIC', '-Wl,-soname,libv.so.1']);
  fs.symlinkSync('libv.so.1.2.3', d('c', 'libv.so.1'));
  sharedLib(d('lib/x86_64-linux-gnu', 'libw.so'), 'w');
  sharedLib(d(PLATFORM, 'libp.so'), 'p');
  const link = (dirs: string[], rpath: string, dtags: 'old' | 'new', libs: string[] = ['-lx']) => [
    ...dirs.map((x) => `-L${x}`),
    ...libs,
    `-Wl,${dtags === 'old' ? '--disable-new-dtags' : '--enable-new-dtags'}`,
    `-Wl,-rpath,${rpath}`,
    '-Wl,--allow-shlib-undefined',
  ];
  // RPATH of the executable is inherited: libx (no path of its own) finds liby through it.
  cc(d('rpath-a'), main, link([d('lib'), d('a')], `${d('lib')}:${d('a')}`, 'old'));
  cc(d('rpath-b'), main, link([d('lib'), d('a')], `${d('lib')}:${d('b')}`, 'old'));
  // RUNPATH is not: libx cannot find liby.
  cc(d('runpath'), main, link([d('lib'), d('a')], `${d('lib')}:${d('a')}`, 'new'));
  // $ORIGIN of the executable, and $LIB, $PLATFORM.
  cc(d('bin', 'origin'), main, link([d('lib'), d('a')], '$ORIGIN/../lib:$ORIGIN/../b', 'old'));
  cc(
    d('tokens'),
    'int w(void); int p(void);\nint main(void) { return w() + p(); }\n',
    link([d('lib/x86_64-linux-gnu'), d(PLATFORM)], `${d('$LIB')}:${d(['$', '{PLATFORM}'].join(''))}`, 'old', [
      '-lw',
      '-lp',
    ]),
  );
  // A symlinked library name, and no path at all (LD_LIBRARY_PATH decides).
  cc(
    d('chain'),
    'int v(void);\nint main(void) { return v(); }\n',
    link([d('c')], d('c'), 'new', ['-l:libv.so.1']),
  );
  cc(d('plain'), 'int y(void);\nint main(void) { return y(); }\n', [`-L${d('a')}`, '-ly']);
});

describe('resolveDeps agrees with the system loader (ldd)', () => {
  it.each(['rpath-a', 'rpath-b', 'runpath', 'bin/origin', 'tokens', 'chain', 'plain'])('%s', (name) => {
    const r = resolveDeps([d(name)], hostFs());
    expect(ours(r.binaries[0] as BinaryDeps)).toEqual(lddReport(d(name)));
  });

  it('inherits the executable RPATH but not its RUNPATH', () => {
    const [a, run] = resolveDeps([d('rpath-a'), d('runpath')], hostFs()).binaries as BinaryDeps[];
    const yA = a?.libraries.find((l) => l.soname === 'liby.so');
    expect(yA).toMatchObject({
      path: `${d('a')}/liby.so`,
      via: 'rpath',
      requiredBy: [`${d('lib')}/libx.so`],
    });
    const yRun = run?.libraries.find((l) => l.soname === 'liby.so');
    expect(yRun?.path).toBeNull();
    expect(yRun?.searched).toContain('/lib/x86_64-linux-gnu/liby.so');
    expect(run?.ok).toBe(false);
  });

  it('resolves one soname differently for two binaries in one run (no global first-wins cache)', () => {
    const r = resolveDeps([d('rpath-a'), d('rpath-b')], hostFs());
    const y = r.binaries.map((b) => b.libraries.find((l) => l.soname === 'liby.so')?.realPath);
    expect(y).toEqual([d('a', 'liby.so'), d('b', 'liby.so')]);
  });

  it('expands $ORIGIN from the real path, $LIB and $PLATFORM from the loader', () => {
    const [o, t] = resolveDeps([d('bin', 'origin'), d('tokens')], hostFs()).binaries as BinaryDeps[];
    expect(o?.libraries.find((l) => l.soname === 'libx.so')?.path).toBe(`${d('bin')}/../lib/libx.so`);
    expect(o?.libraries.find((l) => l.soname === 'liby.so')?.realPath).toBe(d('b', 'liby.so'));
    expect(t?.libraries.find((l) => l.soname === 'libw.so')?.path).toBe(
      `${d('lib/x86_64-linux-gnu')}/libw.so`,
    );
    expect(t?.libraries.find((l) => l.soname === 'libp.so')?.path).toBe(`${d(PLATFORM)}/libp.so`);
  });

  it('records a symlinked library as its chain: the name asked for, then the real file', () => {
    const lib = resolveDeps([d('chain')], hostFs()).binaries[0]?.libraries.find(
      (l) => l.soname === 'libv.so.1',
    );
    expect(lib?.chain).toEqual([d('c', 'libv.so.1'), d('c', 'libv.so.1.2.3')]);
  });

  it('searches LD_LIBRARY_PATH only when given, as the loader with that environment', () => {
    const without = resolveDeps([d('plain')], hostFs()).binaries[0] as BinaryDeps;
    expect(without.libraries.find((l) => l.soname === 'liby.so')?.path).toBeNull();
    const withB = resolveDeps([d('plain')], hostFs(), { ldLibraryPath: [d('b')] }).binaries[0] as BinaryDeps;
    expect(withB.libraries.find((l) => l.soname === 'liby.so')).toMatchObject({
      path: `${d('b')}/liby.so`,
      via: 'ld-library-path',
    });
    expect(ours(withB)).toEqual(lddReport(d('plain'), { LD_LIBRARY_PATH: d('b') }));
  });
});

describe('musl binaries', () => {
  it('resolve libc to musl itself and their own libraries through RPATH, as musl --list says', () => {
    fs.mkdirSync(d('m'), { recursive: true });
    cc(
      d('m', 'libmz.so'),
      'int mz(void) { return 3; }\n',
      ['-shared', '-fPIC', '-Wl,-soname,libmz.so'],
      'musl-gcc',
    );
    const exe = cc(
      d('m', 'app'),
      'int mz(void);\nint main(void) { return mz(); }\n',
      [`-L${d('m')}`, '-lmz', `-Wl,-rpath,${d('m')}`],
      'musl-gcc',
    );
    const b = resolveDeps([exe], hostFs()).binaries[0] as BinaryDeps;
    expect(b.libc).toBe('musl');
    expect(b.interpreter?.path).toBe('/lib/ld-musl-x86_64.so.1');
    expect(b.libraries.find((l) => l.names.includes('libc.so'))).toMatchObject({
      path: '/lib/ld-musl-x86_64.so.1',
      via: 'interpreter',
    });
    expect(b.libraries.every((l) => !(l.realPath ?? '').includes('x86_64-linux-gnu'))).toBe(true);
    const listed = execFileSync('/lib/ld-musl-x86_64.so.1', ['--list', exe]).toString();
    const truth = [...listed.matchAll(/(\/\S+) \(0x/g)].map((m) => fs.realpathSync(m[1] as string));
    expect(ours(b).paths).toEqual([...new Set(truth)].sort());
  });
});
