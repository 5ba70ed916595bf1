import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ToolError } from '../errors/index.js';
import { formatKey, parseKey, readConfigKey } from './key-file.js';
import { useTempDirs } from './test-support/temp-dir.js';

const tmp = useTempDirs();
const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const TEXT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as ToolError).code;
  }
  return 'none';
}

describe('CONFIG_KEY files', () => {
  it('are base64 of the 32 key bytes and a newline', () => {
    expect(formatKey(KEY)).toBe(`${TEXT}\n`);
    expect(parseKey(Buffer.from(`${TEXT}\n`), 'k').equals(KEY)).toBe(true);
    expect(parseKey(Buffer.from(TEXT), 'k').equals(KEY)).toBe(true);
    expect(parseKey(Buffer.from(`${TEXT}\r\n`), 'k').equals(KEY)).toBe(true);
  });

  it('round-trip any 32 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(parseKey(Buffer.from(formatKey(bytes)), 'k').equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it.each([
    ['too short', TEXT.slice(1)],
    ['too long', `A${TEXT}`],
    ['no padding', `${TEXT.slice(0, 43)}A`],
    ['non-canonical last character', `${TEXT.slice(0, 42)}f=`],
    ['two newlines', `${TEXT}\n\n`],
    ['leading space', ` ${TEXT}`],
    ['16 bytes', Buffer.alloc(16).toString('base64')],
    ['hex instead of base64', KEY.toString('hex')],
  ])('refuses %s with KEY_BAD_FORMAT and never quotes the content', (_name, text) => {
    let error: ToolError | undefined;
    try {
      parseKey(Buffer.from(text), 'CONFIG_KEY');
    } catch (err) {
      error = err as ToolError;
    }
    expect(error?.code).toBe('KEY_BAD_FORMAT');
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/^CONFIG_KEY: expected a config key \(base64 of 32 bytes/);
    expect(error?.message).not.toContain(text.trim().slice(4, 20));
    expect(JSON.stringify(error?.data)).not.toContain(text.trim().slice(4, 20));
  });

  it('reads a key file with its mode, and refuses symlinks, directories, missing and huge files', () => {
    const dir = tmp();
    const file = path.join(dir, 'CONFIG_KEY');
    fs.writeFileSync(file, `${TEXT}\n`, { mode: 0o640 });
    fs.chmodSync(file, 0o640);
    const read = readConfigKey(file);
    expect(read.key.equals(KEY)).toBe(true);
    expect(read.perm).toBe(0o640);
    fs.symlinkSync(file, path.join(dir, 'link'));
    expect(codeOf(() => readConfigKey(path.join(dir, 'link')))).toBe('KEY_NOT_FILE');
    expect(codeOf(() => readConfigKey(dir))).toBe('KEY_NOT_FILE');
    expect(codeOf(() => readConfigKey(path.join(dir, 'missing')))).toBe('KEY_NOT_FOUND');
    fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(1 << 20, 0x41));
    expect(codeOf(() => readConfigKey(path.join(dir, 'big')))).toBe('KEY_BAD_FORMAT');
  });
});
