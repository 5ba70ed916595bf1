import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryFs, resolveDeps } from '../deps/index.js';
import { cc } from '../deps/test-support/native.js';
import { ElfError, identifyFile, readElfInfo } from './index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const muslStatic = cc(path.join(tmp, 'musl-static'), 'int main(void){return 0;}\n', ['-static'], 'musl-gcc');

/** Byte ranges worth corrupting: the headers and every region they point at (PT_INTERP, PT_DYNAMIC). */
function hotRanges(bytes: Uint8Array): [number, number][] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(v.getBigUint64(32, true));
  const phnum = v.getUint16(56, true);
  const ranges: [number, number][] = [[0, phoff + phnum * 56]];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * 56;
    const type = v.getUint32(at, true);
    if (type === 2 || type === 3) {
      const off = Number(v.getBigUint64(at + 8, true));
      ranges.push([off, Math.min(bytes.length, off + Number(v.getBigUint64(at + 32, true)))]);
    }
  }
  return ranges;
}

type Mutation =
  | { kind: 'byte'; range: number; pos: number; value: number }
  | { kind: 'word'; range: number; pos: number; value: bigint };

const hugeValues = fc.constantFrom(
  0xffff_ffff_ffff_ffffn,
  0x8000_0000_0000_0000n,
  0xffff_ffffn,
  0x7fff_ffffn,
  0x1_0000_0000n,
  0n,
  1n,
);

function mutations(count: number): fc.Arbitrary<Mutation[]> {
  const byte = fc.record({
    kind: fc.constant('byte' as const),
    range: fc.nat(),
    pos: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  });
  const word = fc.record({
    kind: fc.constant('word' as const),
    range: fc.nat(),
    pos: fc.nat(),
    value: hugeValues,
  });
  return fc.array(fc.oneof(byte, word), { minLength: 1, maxLength: count });
}

/** Applies mutations in place and returns an undo function (so a 2 MiB libc is not copied per run). */
function apply(bytes: Uint8Array, ranges: [number, number][], muts: Mutation[]): () => void {
  const saved: [number, Uint8Array][] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const m of muts) {
    const [lo, hi] = ranges[m.range % ranges.length] as [number, number];
    const width = m.kind === 'byte' ? 1 : 8;
    if (hi - lo < width) continue;
    const at = lo + (m.pos % (hi - lo - width + 1));
    saved.push([at, bytes.slice(at, at + width)]);
    if (m.kind === 'byte') bytes[at] = m.value;
    else v.setBigUint64(at, m.value, true);
  }
  return () => {
    for (const [at, old] of saved.reverse()) bytes.set(old, at);
  };
}

/** Outcomes seen, so a test can show its corruption reached both paths. */
const seen = { ok: 0, errors: new Set<string>() };

/** Either a result or an ElfError: any other exception is a bug. */
function parsesOrTypedError(bytes: Uint8Array, source: string): void {
  try {
    const info = readElfInfo(bytes, source);
    expect(Array.isArray(info.needed)).toBe(true);
    seen.ok++;
  } catch (err) {
    if (!(err instanceof ElfError)) throw err;
    seen.errors.add(err.code);
    expect(err.code).toMatch(/^ELF_(TRUNCATED|BAD_MAGIC|CORRUPT|LIMIT)$/);
    expect(err.message.startsWith(source)).toBe(true);
  }
}

describe.each([
  ['/bin/ls', '/bin/ls'],
  ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6'],
  ['musl static (compiled here)', muslStatic],
])('corrupted %s', (_name, file) => {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const ranges = hotRanges(bytes);

  it('flipped bytes and huge counts give a result or a typed ElfError', () => {
    fc.assert(
      fc.property(mutations(6), (muts) => {
        const undo = apply(bytes, ranges, muts);
        try {
          parsesOrTypedError(bytes, 'victim');
        } finally {
          undo();
        }
      }),
      { numRuns: 400 },
    );
  });

  it('truncation at any length gives a result or a typed ElfError', () => {
    const cuts = [...ranges.flatMap(([lo, hi]) => [lo, lo + 1, hi - 1, hi]), 0, 3, 15, 16, 63];
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...cuts), fc.integer({ min: 0, max: bytes.length })), (len) => {
        parsesOrTypedError(bytes.subarray(0, len), 'victim');
      }),
      { numRuns: 300 },
    );
  });
});

describe('the corruption reached the reader', () => {
  it('produced valid results and each kind of typed error', () => {
    expect(seen.ok).toBeGreaterThan(0);
    expect([...seen.errors].sort()).toEqual(['ELF_BAD_MAGIC', 'ELF_CORRUPT', 'ELF_LIMIT', 'ELF_TRUNCATED']);
  });
});

describe('the resolver over corrupted objects', () => {
  it('never throws: a corrupt binary or library becomes an error entry', () => {
    const ls = new Uint8Array(fs.readFileSync('/bin/ls'));
    const libc = new Uint8Array(fs.readFileSync('/usr/lib/x86_64-linux-gnu/libc.so.6'));
    const lsRanges = hotRanges(ls);
    const libcRanges = hotRanges(libc);
    fc.assert(
      fc.property(mutations(4), mutations(4), fc.boolean(), (m1, m2, loop) => {
        const undo1 = apply(ls, lsRanges, m1);
        const undo2 = apply(libc, libcRanges, m2);
        try {
          const view = memoryFs({
            '/bin/ls': { type: 'file', data: ls },
            '/lib/x86_64-linux-gnu/libc.so.6': { type: 'file', data: libc },
            '/lib/x86_64-linux-gnu/libselinux.so.1': loop
              ? { type: 'symlink', target: 'libselinux.so.1' }
              : { type: 'symlink', target: '/lib/x86_64-linux-gnu/../x86_64-linux-gnu/libc.so.6' },
            '/lib64/ld-linux-x86-64.so.2': { type: 'symlink', target: '/lib64/ld-linux-x86-64.so.2' },
          });
          const r = resolveDeps(['/bin/ls'], view);
          expect(r.binaries).toHaveLength(1);
          const b = r.binaries[0];
          if (b?.identity === 'error') expect(b.error?.code).toMatch(/^ELF_/);
        } finally {
          undo1();
          undo2();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('identifies a truncated #! line or random bytes without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        const withBang = new Uint8Array([0x23, 0x21, ...b]);
        expect(['script', 'other']).toContain(identifyFile(withBang).kind);
      }),
      { numRuns: 300 },
    );
  });
});
