import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { versionNeedOffset, withNeededVersion } from '../../elf/test-support/elf-edit.js';
import { type Spec, withExtra } from '../test-support/good-image.js';
import { unpackLikeKernel } from '../unpack.js';
import { checkElfDeps } from './elf-deps.js';

// The agent slot holds the host's coreutils `true` (dynamic: glibc only), with glibc's loader and libc
// at the paths it asks for. The found boot failure this guards: a library with the right DT_SONAME
// but older than the program needs passed verification, and the program died before main with
// "version `OPENSSL_3.2.0' not found".
const AGENT = 'usr/bin/volcano-agent';
const trueBin = readFileSync('/usr/bin/true');
const loader = readFileSync('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
const libc = readFileSync('/usr/lib/x86_64-linux-gnu/libc.so.6');

async function check(agent: Uint8Array, libcData: Uint8Array = libc) {
  const libs: Spec[] = [
    { name: 'lib64', type: 'directory', perm: 0o755 },
    { name: 'lib64/ld-linux-x86-64.so.2', type: 'file', perm: 0o755, data: loader },
    { name: 'lib', type: 'directory', perm: 0o755 },
    { name: 'lib/x86_64-linux-gnu', type: 'directory', perm: 0o755 },
    { name: 'lib/x86_64-linux-gnu/libc.so.6', type: 'file', perm: 0o755, data: libcData },
  ];
  const records = withExtra(libs, (specs) =>
    specs.map((s) => (s.name === AGENT ? { ...s, data: agent } : s)),
  );
  return checkElfDeps(await unpackLikeKernel(records));
}

function versionFailures(result: Awaited<ReturnType<typeof check>>) {
  return result.failures.filter((f) => f.rule === 'deps.version');
}

describe('elf-deps: symbol versions', () => {
  it('passes a program whose libc defines every version it needs', async () => {
    const result = await check(trueBin);
    expect(result.failures).toEqual([]);
  });

  it('fails a program needing a version its libc does not define, naming both and what libc has', async () => {
    const result = await check(withNeededVersion(trueBin, 'GLIBC_2.34', 'GLIBC_9.34'));
    const failures = versionFailures(result);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.path).toBe('/usr/bin/volcano-agent');
    expect(failures[0]?.message).toMatch(
      /^\/usr\/bin\/volcano-agent: libc\.so\.6 version GLIBC_9\.34: expected a definition in \/lib\/x86_64-linux-gnu\/libc\.so\.6 \(DT_VERDEF\), found only libc\.so\.6, GLIBC_2\.2\.5, /,
    );
  });

  it('passes the same need when it is weak: the loader only warns', async () => {
    const result = await check(withNeededVersion(trueBin, 'GLIBC_2.34', 'GLIBC_9.34', { weak: true }));
    expect(result.failures).toEqual([]);
  });

  it('fails a program whose version records cannot be read', async () => {
    const hostile = Uint8Array.from(trueBin);
    new DataView(hostile.buffer).setUint16(versionNeedOffset(hostile), 2, true); // vn_version
    const failures = versionFailures(await check(hostile));
    expect(failures.map((f) => [f.path, f.found])).toEqual([
      ['/usr/bin/volcano-agent', expect.stringMatching(/vn_version: expected 1, got 2$/)],
    ]);
  });
});
