import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageDeps } from '../image-deps.js';
import { type Spec, withExtra } from '../test-support/good-image.js';
import { unpackLikeKernel } from '../unpack.js';
import { checkElfDeps, elfDepsFindings } from './elf-deps.js';

// checkElfDeps resolves one ELF file at a time (programs first, then libraries) and drops each
// closure once checked; elfDepsFindings sorts a whole resolution. Both must give the same verdict.
const AGENT = 'usr/bin/volcano-agent';
const trueBin = readFileSync('/usr/bin/true');
const loader = readFileSync('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
const libc = readFileSync('/usr/lib/x86_64-linux-gnu/libc.so.6');
/** libc.so.6 cut inside its last (RW) PT_LOAD: its tables still read, its segments do not fit. */
const truncatedLibc = libc.subarray(0, 0x1d4000);

async function tree(libcData: Uint8Array, extra: Spec[] = []) {
  const libs: Spec[] = [
    { name: 'aaa', type: 'directory', perm: 0o755 },
    // Sorted before every program: an unreadable ELF and a stray library needing what is absent.
    { name: 'aaa/corrupt', type: 'file', perm: 0o755, data: Buffer.from('\x7fELF\x09\x09garbage') },
    { name: 'lib64', type: 'directory', perm: 0o755 },
    { name: 'lib64/ld-linux-x86-64.so.2', type: 'file', perm: 0o755, data: loader },
    { name: 'lib', type: 'directory', perm: 0o755 },
    { name: 'lib/x86_64-linux-gnu', type: 'directory', perm: 0o755 },
    { name: 'lib/x86_64-linux-gnu/libc.so.6', type: 'file', perm: 0o755, data: libcData },
    ...extra,
  ];
  const records = withExtra(libs, (specs) =>
    specs.map((s) => (s.name === AGENT ? { ...s, data: trueBin } : s)),
  );
  return unpackLikeKernel(records);
}

describe('elf-deps: one closure at a time', () => {
  it('gives the verdict of the whole resolution sorted programs first', async () => {
    const t = await tree(truncatedLibc);
    expect(checkElfDeps(t)).toEqual(elfDepsFindings(t, imageDeps(t)));
  });

  it('fails a truncated library a program loads, though it sorts before the program as a stray library', async () => {
    const result = checkElfDeps(await tree(truncatedLibc));
    const truncated = (list: { rule: string; path: string }[]) =>
      list.filter((f) => f.rule === 'elf.truncated').map((f) => f.path);
    expect(truncated(result.failures)).toContain('/lib/x86_64-linux-gnu/libc.so.6');
    expect(truncated(result.warnings)).not.toContain('/lib/x86_64-linux-gnu/libc.so.6');
    expect(result.failures.map((f) => [f.rule, f.path])).toContainEqual(['elf.corrupt', '/aaa/corrupt']);
  });

  it('passes the same image with a whole libc', async () => {
    const t = await tree(libc);
    const result = checkElfDeps(t);
    expect(result.failures.map((f) => f.path)).toEqual(['/aaa/corrupt']);
    expect(result).toEqual(elfDepsFindings(t, imageDeps(t)));
  });
});
