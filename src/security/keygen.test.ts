import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKey } from './key-file.js';
import { createConfigKey, createSigningKeyPair } from './keygen.js';
import { parsePublicKey, parseSecretKey } from './minisign.js';
import { useTempDirs } from './test-support/temp-dir.js';

const tmp = useTempDirs();

describe('keygen', () => {
  it('refuses a directory as --out, forced or not, saying it is a directory', async () => {
    const dir = tmp();
    for (const force of [false, true]) {
      await expect(createConfigKey(dir, { force })).rejects.toMatchObject({
        code: 'OUTPUT_IS_DIRECTORY',
        exitCode: 2,
        message: `${dir}: output: expected a key file path, found a directory (name the file, e.g. ${dir}/CONFIG_KEY)`,
      });
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('writes 32 random bytes as base64 and a newline, mode 0600, different every time', async () => {
    const dir = tmp();
    const a = path.join(dir, 'A');
    const b = path.join(dir, 'B');
    const old = process.umask(0);
    try {
      await createConfigKey(a);
    } finally {
      process.umask(old);
    }
    await createConfigKey(b);
    const text = fs.readFileSync(a, 'utf8');
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(parseKey(Buffer.from(text), a)).toHaveLength(32);
    expect(fs.statSync(a).mode & 0o777).toBe(0o600);
    expect(text).not.toBe(fs.readFileSync(b, 'utf8'));
    expect(fs.readdirSync(dir).sort()).toEqual(['A', 'B']);
  });

  it('refuses to overwrite a key, and with force keeps the old one as a backup', async () => {
    const dir = tmp();
    const key = path.join(dir, 'CONFIG_KEY');
    await createConfigKey(key);
    const first = fs.readFileSync(key);
    await expect(createConfigKey(key)).rejects.toMatchObject({ code: 'KEY_EXISTS', exitCode: 2 });
    expect(fs.readFileSync(key).equals(first)).toBe(true);
    const now = new Date('2030-01-02T03:04:05.678Z');
    const r = await createConfigKey(key, { force: true, now });
    expect(r.backup).toBe(`${key}.bak-20300102T030405Z`);
    expect(fs.readFileSync(r.backup!).equals(first)).toBe(true);
    expect(fs.statSync(r.backup!).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(key).equals(first)).toBe(false);
    const again = await createConfigKey(key, { force: true, now });
    expect(again.backup).toBe(`${key}.bak-20300102T030405Z-1`);
  });

  it('makes a minisign key pair: secret 0600 whose public half matches the public file', async () => {
    const dir = tmp();
    const r = await createSigningKeyPair(path.join(dir, 's.key'), path.join(dir, 's.pub'));
    expect(r.keyId).toMatch(/^[0-9A-F]{16}$/);
    expect(fs.statSync(r.secretKey).mode & 0o777).toBe(0o600);
    const sk = parseSecretKey(fs.readFileSync(r.secretKey, 'utf8'), r.secretKey);
    const pk = parsePublicKey(fs.readFileSync(r.publicKey, 'utf8'), r.publicKey);
    expect(sk.publicKey.equals(pk.publicKey)).toBe(true);
    expect(sk.keyId.equals(pk.keyId)).toBe(true);
    expect(fs.readFileSync(r.publicKey, 'utf8').split('\n')[0]).toBe(
      `untrusted comment: minisign public key ${r.keyId}`,
    );
    await expect(createSigningKeyPair(r.secretKey, r.publicKey)).rejects.toMatchObject({
      code: 'KEY_EXISTS',
    });
  });
});
