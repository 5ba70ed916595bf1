import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsoleLineSplitter, cleanConsoleLine } from './console-lines.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('cleanConsoleLine', () => {
  it('strips SeaBIOS escape sequences and carriage returns', () => {
    expect(cleanConsoleLine('\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)\r')).toBe(
      'SeaBIOS (version 1.16.2-debian-1.16.2-1)',
    );
  });

  it('keeps ordinary text intact', () => {
    expect(cleanConsoleLine('[    1.392937] Run /sbin/init as init process')).toBe(
      '[    1.392937] Run /sbin/init as init process',
    );
  });
});

describe('ConsoleLineSplitter', () => {
  it('returns only completed lines and flushes the rest at the end', () => {
    const s = new ConsoleLineSplitter();
    expect(s.push(bytes('ROCK-INIT: sta'))).toEqual([]);
    expect(s.push(bytes('rted pid=1\r\nROCK-'))).toEqual(['ROCK-INIT: started pid=1']);
    expect(s.end()).toEqual(['ROCK-']);
    expect(s.end()).toEqual([]);
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const s = new ConsoleLineSplitter();
    const all = bytes('café\n');
    expect(s.push(all.subarray(0, 4))).toEqual([]);
    expect(s.push(all.subarray(4))).toEqual(['café']);
  });

  it('gives the same lines however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-zé: \r]{0,12}$/), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (lines, cuts) => {
          const stream = bytes(lines.map((l) => `${l}\n`).join(''));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const s = new ConsoleLineSplitter();
          const got: string[] = [];
          let from = 0;
          for (const p of [...points, stream.length]) {
            got.push(...s.push(stream.subarray(from, p)));
            from = p;
          }
          got.push(...s.end());
          expect(got).toEqual(lines.map((l) => l.replace(/\r/g, '')));
        },
      ),
    );
  });
});
