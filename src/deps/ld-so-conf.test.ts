import { describe, expect, it } from 'vitest';
import { expandDst, type MemoryEntry, memoryFs, parseLdSoConf } from './index.js';

const text = (s: string): MemoryEntry => ({ type: 'file', data: Buffer.from(s) });

describe('parseLdSoConf', () => {
  it('follows include globs in sorted order, relative includes, comments, =type suffixes, duplicates once', () => {
    const view = memoryFs({
      '/etc/ld.so.conf': text(
        '# top\n/usr/local/lib\ninclude /etc/ld.so.conf.d/*.conf\ninclude extra.conf\nhwcap 0 nosegneg\n',
      ),
      '/etc/ld.so.conf.d/b.conf': text('/opt/b/lib=libc6\n/usr/local/lib\n'),
      '/etc/ld.so.conf.d/a.conf': text('  /opt/a/lib/   # trailing comment\n'),
      '/etc/ld.so.conf.d/skip.txt': text('/never\n'),
      '/etc/extra.conf': text('/opt/extra\ninclude /etc/missing/*.conf /etc/gone.conf\n'),
    });
    expect(parseLdSoConf(view)).toEqual({
      dirs: ['/usr/local/lib', '/opt/a/lib', '/opt/b/lib', '/opt/extra'],
      problems: ['/etc/gone.conf: cannot read'],
    });
  });

  it('stops a file that includes itself', () => {
    const conf = parseLdSoConf(memoryFs({ '/etc/ld.so.conf': text('/x\ninclude /etc/ld.so.conf\n') }));
    expect(conf.dirs).toEqual(['/x']);
    expect(conf.problems).toContain('/etc/ld.so.conf: include nested deeper than 16');
  });
});

describe('expandDst', () => {
  it("substitutes $ORIGIN, $LIB, $PLATFORM and the braced forms as glibc's _dl_dst_substitute", () => {
    const v = { ORIGIN: '/opt/app/bin', LIB: 'lib/x86_64-linux-gnu', PLATFORM: 'x86_64' };
    const braced = ['$', '{PLATFORM}'].join('');
    expect(expandDst(`$ORIGIN/../$LIB:${braced}/x`, v)).toBe('/opt/app/bin/../lib/x86_64-linux-gnu:x86_64/x');
    expect(expandDst('$ORIGINAL/x', v)).toBe('$ORIGINAL/x');
    expect(expandDst('$HOME/lib', v)).toBe('$HOME/lib');
    expect(expandDst('/p/$PLATFORM', { ORIGIN: '/' })).toBeNull();
  });
});
