// Hostile archives: bzip2 and lzo segments with random damage (flipped bytes, cut ends, both).
// Every mutant either reads or is refused with a typed input error: no crash, no hang, no exit 70.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors/index.js';
import { hasTool, runTool } from '../test-support/codec-tools.js';
import { rawRecord, rawTrailer, readAll } from '../test-support/records.js';

/** A small deterministic PRNG (mulberry32), so a failing mutant can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const archive = Buffer.concat([
  rawRecord({ name: 'etc/motd', data: 'welcome to rock\n'.repeat(3000) }),
  rawRecord({ name: 'bin/x', data: Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * i) & 0xff)) }),
  rawTrailer(),
]);

describe.each([
  ['bzip2', ['-c', '-1']],
  ['lzop', ['-c']],
])('%s mutants', (tool, args) => {
  it.skipIf(!hasTool(tool))('300 mutants: each reads or is a typed InputError', async () => {
    const good = runTool(tool, args, archive);
    const random = prng(tool.length * 7919);
    const codes = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const bad = Buffer.from(good);
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++)
        bad[Math.floor(random() * bad.length)]! ^= 1 << Math.floor(random() * 8);
      const input = random() < 0.3 ? bad.subarray(0, Math.floor(random() * bad.length)) : bad;
      try {
        await readAll(input, {}, 1 + Math.floor(random() * 4096));
        codes.set('read', (codes.get('read') ?? 0) + 1);
      } catch (err) {
        expect(err, `mutant ${i}`).toBeInstanceOf(InputError);
        const code = (err as InputError).code;
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    expect([...codes.keys()].filter((c) => c !== 'read' && !c.startsWith('CPIO_'))).toEqual([]);
    expect(codes.get('CPIO_DECOMPRESS')).toBeGreaterThan(0);
  });
});
