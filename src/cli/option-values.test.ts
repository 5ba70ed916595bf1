import { describe, expect, it } from 'vitest';
import { durationMs, positiveInteger, positiveNumber, size } from './option-values.js';

function refusal(fn: () => unknown): { code: string; message: string; exitCode: number } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string; exitCode: number };
  }
  throw new Error('expected a refusal');
}

describe('option values', () => {
  it('positiveNumber takes decimal fractions and nothing else', () => {
    expect(positiveNumber('--x', '2.5')).toBe(2.5);
    expect(positiveNumber('--x', '7')).toBe(7);
    for (const bad of ['0', '-1', '', ' 1', '0x10', '1e3', 'abc', 'Infinity', '1.'])
      expect(refusal(() => positiveNumber('--x', bad)).message).toBe(
        `--x: expected a positive number, got '${bad}'`,
      );
  });

  it('positiveInteger never rounds', () => {
    expect(positiveInteger('--memory', '256')).toBe(256);
    const e = refusal(() => positiveInteger('--memory', '256.5'));
    expect(e).toMatchObject({ code: 'BAD_OPTION', exitCode: 2 });
    expect(e.message).toBe("--memory: expected a positive integer, got '256.5'");
    for (const bad of ['0', '-3', '1e2', '99999999999999999999'])
      expect(refusal(() => positiveInteger('--n', bad)).code).toBe('BAD_OPTION');
  });

  it('size takes bytes and binary units', () => {
    expect(size('--s', '4096')).toBe(4096);
    expect(size('--s', '64K')).toBe(65536);
    expect(size('--s', '64KiB')).toBe(65536);
    expect(size('--s', '1.5G')).toBe(1.5 * 2 ** 30);
    expect(size('--s', '2mb')).toBe(2 * 2 ** 20);
    for (const bad of ['0', '1.5', 'K', '12X', '-1K'])
      expect(refusal(() => size('--s', bad)).message).toBe(
        `--s: expected a size in bytes (4096, 64K, 1.5G), got '${bad}'`,
      );
  });

  it('durationMs reads seconds unless a unit says otherwise', () => {
    expect(durationMs('--timeout', '60')).toBe(60_000);
    expect(durationMs('--timeout', '2.5')).toBe(2500);
    expect(durationMs('--timeout', '90s')).toBe(90_000);
    expect(durationMs('--timeout', '2m')).toBe(120_000);
    expect(durationMs('--timeout', '500ms')).toBe(500);
    for (const bad of ['0', '-1', 'soon', '0.0001', '1d'])
      expect(refusal(() => durationMs('--timeout', bad)).code).toBe('BAD_OPTION');
  });
});
