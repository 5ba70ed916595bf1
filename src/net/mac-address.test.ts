import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import {
  formatMac,
  isRockMac,
  normalizeMac,
  OUI_FIRST,
  OUI_LAST,
  parseMac,
  parseNicMac,
  parseRockMac,
} from './mac-address.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ToolError ? err.code : `not a ToolError: ${String(err)}`;
  }
  return undefined;
}

describe('mac-address', () => {
  it('parses and formats the canonical form', () => {
    expect(parseMac('a4:58:0f:00:00:01')).toBe(0xa4580f000001);
    expect(parseMac('A4-58-0F-01-02-FF')).toBe(0xa4580f0102ff);
    expect(formatMac(0xa4580f0102ff)).toBe('a4:58:0f:01:02:ff');
    expect(formatMac(0)).toBe('00:00:00:00:00:00');
    expect(normalizeMac('A4:58:0F:FF:FF:FF')).toBe('a4:58:0f:ff:ff:ff');
  });

  it('round-trips every 48-bit value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffffffff }), (n) => {
        expect(parseMac(formatMac(n))).toBe(n);
        expect(formatMac(n)).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      }),
    );
  });

  it('refuses malformed text with MAC_MALFORMED and names the field', () => {
    for (const bad of [
      '',
      'a4:58:0f:00:00',
      'a4:58:0f:00:00:001',
      'a4:58:0f:00:00:0g',
      'a4:58-0f:00:00:01',
      'a4580f000001',
    ]) {
      expect(codeOf(() => parseMac(bad))).toBe('MAC_MALFORMED');
    }
    expect(() => parseMac('nope', 'mac')).toThrow(
      'mac: expected a MAC address like a4:58:0f:00:00:01, got "nope"',
    );
    // An error line never quotes more than a short piece of the input.
    expect(() => parseMac('x'.repeat(500))).toThrow(/got "x{40}\.\.\."$/);
  });

  it('trims white space and accepts upper case and dashes (the grep | cut of the design leaves a space)', () => {
    expect(normalizeMac(' a4:58:0f:00:00:01')).toBe('a4:58:0f:00:00:01');
    expect(normalizeMac('A4-58-0F-00-00-01\n')).toBe('a4:58:0f:00:00:01');
    expect(normalizeMac('\ta4:58:0F:00:00:01  ')).toBe('a4:58:0f:00:00:01');
  });

  it('refuses multicast and all-zero addresses for a network interface', () => {
    expect(parseNicMac('A4:58:0F:00:00:01')).toBe('a4:58:0f:00:00:01');
    expect(codeOf(() => parseNicMac('01:00:5e:00:00:01'))).toBe('MAC_NOT_UNICAST');
    expect(codeOf(() => parseNicMac('00:00:00:00:00:00'))).toBe('MAC_NOT_UNICAST');
    expect(codeOf(() => parseNicMac('zz'))).toBe('MAC_MALFORMED');
  });

  it('checks the ROCK-OS OUI', () => {
    expect(isRockMac('a4:58:0f:12:34:56')).toBe(true);
    expect(isRockMac('a4:58:10:00:00:00')).toBe(false);
    expect(isRockMac('garbage')).toBe(false);
    expect(isRockMac(OUI_FIRST)).toBe(true);
    expect(isRockMac(OUI_LAST)).toBe(true);
    expect(isRockMac(OUI_FIRST - 1)).toBe(false);
    expect(isRockMac(OUI_LAST + 1)).toBe(false);
    expect(codeOf(() => parseRockMac('52:54:00:12:34:56', '--mac'))).toBe('MAC_OUTSIDE_OUI');
    expect(() => parseRockMac('52:54:00:12:34:56', 'mac')).toThrow(
      'mac: expected an address under the ROCK-OS OUI a4:58:0f, got 52:54:00:12:34:56',
    );
  });

  it('refuses to format a value wider than 48 bits', () => {
    expect(() => formatMac(0x1000000000000)).toThrow(RangeError);
    expect(() => formatMac(-1)).toThrow(RangeError);
  });
});
