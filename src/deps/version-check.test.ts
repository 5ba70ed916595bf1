import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionNeedOffset, withNeededVersion } from '../elf/test-support/elf-edit.js';
import { checkVersions, formatScan, hostFs, resolveDeps, scanBinaries, VersionChecker } from './index.js';
import { cc } from './test-support/native.js';

// Ground truth is the system loader: every binary here is also run, and glibc's ld.so must agree
// (it stops the program with "version `X' not found" exactly when we report a missing version).
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rock-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const d = (...p: string[]): string => path.join(tmp, ...p);
const trueBin = fs.readFileSync('/usr/bin/true');

function runs(file: string): { status: number | null; stderr: string } {
  const r = spawnSync(file, [], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  return { status: r.status, stderr: r.stderr };
}

function write(name: string, bytes: Uint8Array): string {
  fs.writeFileSync(d(name), bytes, { mode: 0o755 });
  return d(name);
}

/** libv.so.1 defining V_1 (old) or V_1 and V_2 (new), as if upgraded between link and run time. */
function libv(dir: string, versions: ('V_1' | 'V_2')[]): void {
  fs.mkdirSync(d(dir), { recursive: true });
  const script = d(dir, 'v.map');
  fs.writeFileSync(
    script,
    versions.includes('V_2')
      ? 'V_1 { global: v1; local: *; };\nV_2 { global: v2; } V_1;\n'
      : 'V_1 { global: v1; local: *; };\n',
  );
  const body = versions.includes('V_2')
    ? 'int v1(void) { return 1; }\nint v2(void) { return 2; }\n'
    : 'int v1(void) { return 1; }\n';
  cc(d(dir, 'libv.so.1'), body, [
    '-shared',
    '-fPIC',
    '-Wl,-soname,libv.so.1',
    `-Wl,--version-script=${script}`,
  ]);
}

beforeAll(() => {
  libv('old', ['V_1']);
  libv('new', ['V_1', 'V_2']);
  const main = 'int v2(void);\nint main(void) { return v2() == 2 ? 0 : 1; }\n';
  // Linked against the new libv; the RPATH decides which one the loader finds.
  cc(d('needs-v2-old'), main, [d('new', 'libv.so.1'), `-Wl,-rpath,${d('old')}`]);
  cc(d('needs-v2-new'), main, [d('new', 'libv.so.1'), `-Wl,-rpath,${d('new')}`]);
  // The need is in a library of the closure, not in the program.
  fs.mkdirSync(d('w'));
  cc(d('w', 'libw.so.1'), 'int v2(void);\nint w(void) { return v2(); }\n', [
    '-shared',
    '-fPIC',
    '-Wl,-soname,libw.so.1',
    d('new', 'libv.so.1'),
  ]);
  cc(d('via-libw'), 'int w(void);\nint main(void) { return w() == 2 ? 0 : 1; }\n', [
    d('w', 'libw.so.1'),
    `-Wl,-rpath-link,${d('new')}`,
    `-Wl,--disable-new-dtags,-rpath,${d('w')}:${d('old')}`,
  ]);
});

describe('checkVersions on the host (glibc ld.so agrees)', () => {
  it('reports a version the program needs and its library lacks; the loader refuses to start it', () => {
    const bin = write('true-9.34', withNeededVersion(trueBin, 'GLIBC_2.34', 'GLIBC_9.34'));
    const real = runs(bin);
    expect(real.status).not.toBe(0);
    expect(real.stderr).toContain(`libc.so.6: version \`GLIBC_9.34' not found (required by ${bin})`);
    const result = scanBinaries([bin]);
    expect(result.ok).toBe(false);
    const [b] = result.binaries;
    expect(b?.ok).toBe(false);
    expect(b?.versionProblems).toEqual([
      {
        kind: 'missing',
        object: bin,
        file: 'libc.so.6',
        library: '/lib/x86_64-linux-gnu/libc.so.6',
        missing: ['GLIBC_9.34'],
        defined: expect.arrayContaining(['libc.so.6', 'GLIBC_2.2.5', 'GLIBC_2.34']),
      },
    ]);
    expect(formatScan(result)).toContain(
      `  ERROR: libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6: version GLIBC_9.34 not found (required by ${bin})`,
    );
    expect(formatScan(result)).toContain('FAILED: 1 of 1 cannot start');
  });

  it('positive twin: the unpatched program passes, and runs', () => {
    const bin = write('true-copy', trueBin);
    expect(runs(bin).status).toBe(0);
    const result = scanBinaries([bin]);
    expect(result.ok).toBe(true);
    expect(result.binaries[0]?.versionProblems).toBeUndefined();
  });

  it('passes a weak need: the loader only warns about it', () => {
    const bin = write('true-weak', withNeededVersion(trueBin, 'GLIBC_2.34', 'GLIBC_9.34', { weak: true }));
    // The version check warns; `true` then fails binding __libc_start_main@GLIBC_9.34, a symbol
    // lookup (not a version check) that no dependency resolver replays.
    const { stderr } = runs(bin);
    expect(stderr).toContain("libc.so.6: weak version `GLIBC_9.34' not found");
    expect(stderr).not.toMatch(/: version `GLIBC_9\.34' not found/);
    expect(scanBinaries([bin]).ok).toBe(true);
  });

  it('reports unreadable version records (vn_version 2), which the loader refuses too', () => {
    const bytes = Uint8Array.from(trueBin);
    new DataView(bytes.buffer).setUint16(versionNeedOffset(bytes), 2, true);
    const bin = write('true-vn2', bytes);
    const real = runs(bin);
    expect(real.status).not.toBe(0);
    expect(real.stderr).toContain('unsupported version 2 of Verneed record');
    const [b] = scanBinaries([bin]).binaries;
    expect(b?.ok).toBe(false);
    expect(b?.versionProblems).toEqual([
      { kind: 'unreadable', object: bin, message: expect.stringMatching(/vn_version: expected 1, got 2$/) },
    ]);
  });

  it('a library older than the one linked against (gcc, version script) fails; the newer one passes', () => {
    const old = runs(d('needs-v2-old'));
    expect(old.status).not.toBe(0);
    expect(old.stderr).toContain(`${d('old', 'libv.so.1')}: version \`V_2' not found`);
    expect(runs(d('needs-v2-new')).status).toBe(0);
    const result = scanBinaries([d('needs-v2-old'), d('needs-v2-new')]);
    expect(result.binaries.map((b) => b.ok)).toEqual([false, true]);
    expect(result.binaries[0]?.versionProblems).toEqual([
      {
        kind: 'missing',
        object: d('needs-v2-old'),
        file: 'libv.so.1',
        library: d('old', 'libv.so.1'),
        missing: ['V_2'],
        defined: ['libv.so.1', 'V_1'],
      },
    ]);
  });

  it('checks every object of the closure: a library needing a version from another', () => {
    expect(runs(d('via-libw')).stderr).toContain(
      `version \`V_2' not found (required by ${d('w', 'libw.so.1')})`,
    );
    const [b] = scanBinaries([d('via-libw')]).binaries;
    expect(
      b?.versionProblems?.map((p) => p.kind === 'missing' && [p.object, p.file, p.library, p.missing]),
    ).toEqual([[d('w', 'libw.so.1'), 'libv.so.1', d('old', 'libv.so.1'), ['V_2']]]);
  });

  it('a #! script fails through its interpreter', () => {
    write('true-9.34-b', withNeededVersion(trueBin, 'GLIBC_2.34', 'GLIBC_9.34'));
    fs.writeFileSync(d('script'), `#!${d('true-9.34-b')}\n`, { mode: 0o755 });
    const [b] = scanBinaries([d('script')]).binaries;
    expect(b?.ok).toBe(false);
    expect(b?.script?.target.versionProblems?.[0]).toMatchObject({
      kind: 'missing',
      missing: ['GLIBC_9.34'],
    });
  });

  it('leaves its input alone and checks musl closures not at all (musl ld.so never reads DT_VERNEED)', () => {
    const bin = write('true-9.34-c', withNeededVersion(trueBin, 'GLIBC_2.34', 'GLIBC_9.34'));
    const fs1 = hostFs();
    const resolved = resolveDeps([bin], fs1);
    const checked = checkVersions(resolved, fs1);
    expect(checked.ok).toBe(false);
    expect(resolved.ok).toBe(true);
    expect(resolved.binaries[0]?.versionProblems).toBeUndefined();
    const glibc = resolved.binaries[0]!;
    expect(new VersionChecker(fs1).check(glibc)).toHaveLength(1);
    expect(new VersionChecker(fs1).check({ ...glibc, libc: 'musl' })).toEqual([]);
  });
});
