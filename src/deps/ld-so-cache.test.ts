import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { indexLdSoCache, lookupLdSoCache, parseLdSoCache } from './index.js';

interface E {
  name: string;
  path: string;
  flags: number;
  hwcap?: bigint;
}

/** Writes a cache the way ldconfig does: old table, new table (optionally both: the compat layout). */
function buildCache(entries: E[], layout: 'old' | 'new' | 'compat'): Uint8Array {
  const strings: number[] = [];
  const strAt = new Map<string, number>();
  const str = (s: string): number => {
    let at = strAt.get(s);
    if (at === undefined) {
      at = strings.length;
      strings.push(...Buffer.from(s), 0);
      strAt.set(s, at);
    }
    return at;
  };
  for (const e of entries) {
    str(e.name);
    str(e.path);
  }
  const oldSize = 16 + (layout === 'new' ? 0 : entries.length * 12);
  const newAt = layout === 'old' ? -1 : layout === 'new' ? 0 : (oldSize + 7) & ~7;
  const newSize = newAt < 0 ? 0 : 48 + entries.length * 24;
  // Old-only: strings after the old table; otherwise strings after the new table, relative to it.
  const stringsAt = newAt < 0 ? oldSize : newAt + newSize;
  const b = new Uint8Array(stringsAt + strings.length);
  const v = new DataView(b.buffer);
  const rel = newAt < 0 ? 0 : stringsAt - newAt;
  if (layout !== 'new') {
    b.set(Buffer.from('ld.so-1.7.0'));
    v.setUint32(12, entries.length, true);
    entries.forEach((e, i) => {
      v.setInt32(16 + i * 12, e.flags, true);
      v.setUint32(20 + i * 12, (newAt < 0 ? 0 : rel) + str(e.name), true);
      v.setUint32(24 + i * 12, (newAt < 0 ? 0 : rel) + str(e.path), true);
    });
  }
  if (newAt >= 0) {
    b.set(Buffer.from('glibc-ld.so.cache1.1'), newAt);
    v.setUint32(newAt + 20, entries.length, true);
    v.setUint32(newAt + 24, strings.length, true);
    v.setUint8(newAt + 28, 2);
    entries.forEach((e, i) => {
      const at = newAt + 48 + i * 24;
      v.setInt32(at, e.flags, true);
      v.setUint32(at + 4, rel + str(e.name), true);
      v.setUint32(at + 8, rel + str(e.path), true);
      v.setBigUint64(at + 16, e.hwcap ?? 0n, true);
    });
  }
  b.set(strings, stringsAt);
  return b;
}

const sample: E[] = [
  {
    name: 'libz.so.1',
    path: '/usr/lib/glibc-hwcaps/x86-64-v3/libz.so.1',
    flags: 0x303,
    hwcap: (1n << 62n) | 1n,
  },
  { name: 'libz.so.1', path: '/usr/lib/x86_64-linux-gnu/libz.so.1', flags: 0x303 },
  { name: 'libz.so.1', path: '/usr/lib/i386-linux-gnu/libz.so.1', flags: 0x003 },
];

describe('parseLdSoCache', () => {
  it("reads this machine's cache exactly as ldconfig -p prints it", () => {
    const cache = parseLdSoCache(fs.readFileSync('/etc/ld.so.cache'), '/etc/ld.so.cache');
    const printed = execFileSync('ldconfig', ['-p'], {
      env: { PATH: '/usr/sbin:/sbin:/usr/bin:/bin', LC_ALL: 'C' },
    }).toString();
    const truth = [...printed.matchAll(/^\t(\S+) \(([^)]*)\) => (\S+)$/gm)].map((m) => `${m[1]} ${m[3]}`);
    expect(truth.length).toBeGreaterThan(100);
    expect(cache.entries.map((e) => `${e.name} ${e.path}`)).toEqual(truth);
    expect(cache.format).toBe('new');
  });

  it.each(['old', 'new', 'compat'] as const)('reads the %s layout', (layout) => {
    const cache = parseLdSoCache(buildCache(sample, layout), 'c');
    expect(cache.format).toBe(layout === 'old' ? 'old' : 'new');
    expect(cache.entries.map((e) => [e.name, e.path, e.flags])).toEqual(
      sample.map((e) => [e.name, e.path, e.flags]),
    );
  });

  it('looks up like the loader: flags must fit, glibc-hwcaps entries only for a supported level', () => {
    const index = indexLdSoCache(parseLdSoCache(buildCache(sample, 'new'), 'c'));
    const x8664 = (f: number) => f === 1 || f === 0x303;
    expect(lookupLdSoCache(index, 'libz.so.1', x8664)?.path).toBe('/usr/lib/x86_64-linux-gnu/libz.so.1');
    expect(lookupLdSoCache(index, 'libz.so.1', x8664, ['x86-64-v3'])?.path).toBe(
      '/usr/lib/glibc-hwcaps/x86-64-v3/libz.so.1',
    );
    expect(lookupLdSoCache(index, 'libz.so.1', (f) => f === 3)?.path).toBe(
      '/usr/lib/i386-linux-gnu/libz.so.1',
    );
    expect(lookupLdSoCache(index, 'libnone.so', x8664)).toBeNull();
  });

  it('refuses bad magic and any truncation with LDSO_CACHE_CORRUPT, never another error', () => {
    expect(() => parseLdSoCache(Buffer.from('garbage'), '/etc/ld.so.cache')).toThrow(/expected magic/);
    const good = buildCache(sample, 'compat');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (cut, at, value) => {
          const b = good.slice(0, Math.max(cut, 1));
          if (at < b.length) b[at] = value;
          try {
            parseLdSoCache(b, 'c');
          } catch (err) {
            expect(err).toBeInstanceOf(ToolError);
            expect((err as ToolError).code).toBe('LDSO_CACHE_CORRUPT');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
