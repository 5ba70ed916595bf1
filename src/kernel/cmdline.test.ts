import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { buildCmdline, validateMac } from './cmdline.js';
import { removeTemp, tempHome } from './test-support/kernel-deb.js';

function refusal(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected a refusal');
}

describe('kernel command lines', () => {
  const home = tempHome();
  afterAll(() => removeTemp(home));
  const write = (name: string, text: string) => {
    const file = path.join(home, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('builds the built-in modes with the contract parameters', () => {
    expect(buildCmdline({ home })).toBe(
      'console=ttyS0 debug init=/sbin/init rdinit=/sbin/init net.ifnames=0',
    );
    expect(buildCmdline({ home, mode: 'production' })).toBe(
      'quiet init=/sbin/init rdinit=/sbin/init net.ifnames=0',
    );
    expect(
      buildCmdline({ home, mode: 'production', mac: 'A4:58:0F:01:00:10', append: ['loglevel=4  panic=10'] }),
    ).toBe(
      'quiet init=/sbin/init rdinit=/sbin/init net.ifnames=0 BOOTIF=01-a4-58-0f-01-00-10 loglevel=4 panic=10',
    );
  });

  it('reads user modes from $ROCK_HOME/cmdline.yaml or --config', () => {
    write(
      'cmdline.yaml',
      'modes:\n  serial: console=ttyS0 loglevel=5\n  lean:\n    - quiet\n    - mitigations=off\n',
    );
    expect(buildCmdline({ home, mode: 'serial' })).toBe(
      'console=ttyS0 loglevel=5 init=/sbin/init rdinit=/sbin/init net.ifnames=0',
    );
    expect(buildCmdline({ home, mode: 'lean' })).toBe(
      'quiet mitigations=off init=/sbin/init rdinit=/sbin/init net.ifnames=0',
    );
    const other = write('other.yaml', 'modes:\n  x: nokaslr\n');
    expect(buildCmdline({ home, mode: 'x', configFile: other })).toBe(
      'nokaslr init=/sbin/init rdinit=/sbin/init net.ifnames=0',
    );
    const e = refusal(() => buildCmdline({ home, mode: 'serial', configFile: other }));
    expect(e.code).toBe('CMDLINE_UNKNOWN_MODE');
    expect(e.message).toBe('mode "serial": expected one of debug, production, x');
  });

  it('reports modes-file errors at file:line:col', () => {
    const cases: [string, string][] = [
      ['modes:\n  a: [x\n', ':3:1: '],
      [
        'modes:\n  ok: quiet\n  Bad: quiet\n',
        ':3:3: modes.Bad: a mode name is lower-case letters, digits, - and _',
      ],
      ['modes:\n  ok: quiet\n  n: 42\n', ':3:6: modes.n: expected a string or a list of strings'],
      ['mode:\n  ok: quiet\n', ':1:1: modes: expected a mapping of mode names to parameters'],
      ['modes: {}\nextra: 1\n', ':2:1: extra: unknown key (expected only modes)'],
      ['modes:\n  debug: quiet\n', ':2:3: modes.debug: built-in modes cannot be redefined'],
      [
        'modes:\n  x:\n    - quiet\n    - init=/bin/sh\n',
        ':3:5: modes.x: init=/bin/sh: init is set by rock-kernel',
      ],
    ];
    for (const [text, where] of cases) {
      const file = write('bad.yaml', text);
      const e = refusal(() => buildCmdline({ home, mode: 'debug', configFile: file }));
      expect(e.code).toBe('CMDLINE_CONFIG_INVALID');
      expect(e.message.startsWith(`${file}${where}`)).toBe(true);
    }
    expect(
      refusal(() => buildCmdline({ home, configFile: path.join(home, 'missing.yaml') })).message,
    ).toMatch(/missing\.yaml: cannot read: ENOENT/);
  });

  it('refuses reserved, quoted and oversized parameters', () => {
    const e = refusal(() => buildCmdline({ home, append: ['rdinit=/bin/sh'] }));
    expect(e.code).toBe('CMDLINE_RESERVED_PARAM');
    expect(e.message).toBe(
      'append: rdinit=/bin/sh: rdinit is set by rock-kernel (init=/sbin/init rdinit=/sbin/init net.ifnames=0, BOOTIF from mac); remove it',
    );
    expect(refusal(() => buildCmdline({ home, append: ['BOOTIF=x'] })).code).toBe('CMDLINE_RESERVED_PARAM');
    expect(refusal(() => buildCmdline({ home, append: ['a="b c"'] })).code).toBe('CMDLINE_BAD_PARAM');
    expect(refusal(() => buildCmdline({ home, append: ['a\nb'] })).code).toBe('CMDLINE_BAD_PARAM');
    const long = refusal(() => buildCmdline({ home, append: ['x'.repeat(2000)] }));
    expect(long.code).toBe('CMDLINE_TOO_LONG');
    expect(long.message).toBe('command line: expected at most 2047 bytes, got 2068');
  });

  it('accepts unicast MACs only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        const mac = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
        const unicast = (bytes[0]! & 1) === 0 && bytes.some((b) => b !== 0);
        if (unicast) expect(validateMac(mac.toUpperCase())).toBe(mac);
        else expect(refusal(() => validateMac(mac)).code).toBe('MAC_NOT_UNICAST');
      }),
    );
    for (const bad of ['a4:58:0f:01:00', 'a4-58:0f-01-00-10', 'a4:58:0f:01:00:1g', '']) {
      expect(refusal(() => validateMac(bad)).message).toBe(
        `mac: expected a MAC address like a4:58:0f:00:00:01, got ${JSON.stringify(bad)}`,
      );
    }
    // What `grep "Allocated MAC:" | cut -d: -f2-` leaves: a leading space; and dashes, upper case.
    expect(validateMac(' a4:58:0f:01:00:10')).toBe('a4:58:0f:01:00:10');
    expect(validateMac('A4-58-0F-01-00-10')).toBe('a4:58:0f:01:00:10');
    expect(refusal(() => validateMac('01:00:5e:00:00:01')).message).toContain('multicast');
  });
});
