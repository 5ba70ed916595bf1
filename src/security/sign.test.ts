import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSigningKeyPair } from './keygen.js';
import { formatSecretKey, generateSigningKey, parseSecretKey, parseSignature } from './minisign.js';
import { signFile, verifySignature } from './sign.js';
import { useTempDirs } from './test-support/temp-dir.js';

const tmp = useTempDirs();
const hasMinisign = spawnSync('minisign', ['-v']).status === 0;

async function pair(dir: string, name = 'rock') {
  return createSigningKeyPair(path.join(dir, `${name}.key`), path.join(dir, `${name}.pub`));
}

function minisign(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('minisign', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('signing and verifying', () => {
  it('signs prehashed (ED) by default, deterministically, and verifies', async () => {
    const dir = tmp();
    const keys = await pair(dir);
    const file = path.join(dir, 'rock.img');
    fs.writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 0x5a));
    const a = await signFile(file, keys.secretKey, { timestamp: 1700000000 });
    expect(a.signatureFile).toBe(`${file}.minisig`);
    const text = fs.readFileSync(a.signatureFile, 'utf8');
    expect(text.split('\n')[2]).toBe('trusted comment: timestamp:1700000000\tfile:rock.img\thashed');
    expect(parseSignature(text, 'x').algorithm).toBe('ED');
    await signFile(file, keys.secretKey, { timestamp: 1700000000, output: path.join(dir, 'again.minisig') });
    expect(fs.readFileSync(path.join(dir, 'again.minisig'), 'utf8')).toBe(text);
    const v = await verifySignature(file, keys.publicKey);
    expect(v).toMatchObject({ algorithm: 'ED', keyId: keys.keyId });
  });

  it('fails when the file, the trusted comment or the key changes', async () => {
    const dir = tmp();
    const keys = await pair(dir);
    const other = await pair(dir, 'other');
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'payload');
    const { signatureFile } = await signFile(file, keys.secretKey);
    await expect(verifySignature(file, other.publicKey)).rejects.toMatchObject({
      code: 'SIGNATURE_KEY_MISMATCH',
      exitCode: 1,
    });

    fs.writeFileSync(file, 'payloaD');
    await expect(verifySignature(file, keys.publicKey)).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      exitCode: 1,
    });
    fs.writeFileSync(file, 'payload');

    const lines = fs.readFileSync(signatureFile, 'utf8').split('\n');
    lines[2] = `${lines[2]} forged`;
    fs.writeFileSync(signatureFile, lines.join('\n'));
    await expect(verifySignature(file, keys.publicKey)).rejects.toMatchObject({
      code: 'COMMENT_SIGNATURE_INVALID',
    });

    fs.writeFileSync(signatureFile, 'not a signature\n');
    await expect(verifySignature(file, keys.publicKey)).rejects.toMatchObject({
      code: 'SIGNATURE_BAD_FORMAT',
      exitCode: 2,
    });
  });

  it('refuses legacy signatures when prehashing is required', async () => {
    const dir = tmp();
    const keys = await pair(dir);
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x');
    await signFile(file, keys.secretKey, { legacy: true });
    await expect(verifySignature(file, keys.publicKey)).resolves.toMatchObject({ algorithm: 'Ed' });
    await expect(verifySignature(file, keys.publicKey, { requirePrehashed: true })).rejects.toMatchObject({
      code: 'SIGNATURE_LEGACY',
    });
  });

  it('refuses password-protected and corrupted secret keys without quoting them', () => {
    const key = generateSigningKey();
    const [comment, b64] = formatSecretKey(key).split('\n');
    const body = Buffer.from(b64!, 'base64');
    const encrypted = Buffer.from(body);
    encrypted.write('Sc', 2, 'latin1');
    expect(() => parseSecretKey(`${comment}\n${encrypted.toString('base64')}\n`, 'k')).toThrow(
      expect.objectContaining({ code: 'SIGN_KEY_ENCRYPTED' }),
    );
    const corrupt = Buffer.from(body);
    corrupt[100]! ^= 1;
    try {
      parseSecretKey(`${comment}\n${corrupt.toString('base64')}\n`, 'k');
      expect.unreachable();
    } catch (err) {
      expect((err as { code: string }).code).toBe('SIGN_KEY_CORRUPT');
      expect((err as Error).message).not.toContain(b64!.slice(80, 120));
    }
  });
});

describe.skipIf(!hasMinisign)('interoperability with the minisign program', () => {
  it('minisign -V verifies our signatures (prehashed and legacy)', async () => {
    const dir = tmp();
    const keys = await pair(dir);
    const file = path.join(dir, 'rock.img');
    fs.writeFileSync(file, 'image bytes\n');
    await signFile(file, keys.secretKey);
    const ok = minisign(['-V', '-p', keys.publicKey, '-m', file]);
    expect(ok.out).toContain('Signature and comment signature verified');
    expect(ok.status).toBe(0);
    expect(minisign(['-V', '-H', '-p', keys.publicKey, '-m', file]).status).toBe(0);
    await signFile(file, keys.secretKey, { legacy: true, output: path.join(dir, 'legacy.minisig') });
    expect(
      minisign(['-V', '-p', keys.publicKey, '-m', file, '-x', path.join(dir, 'legacy.minisig')]).status,
    ).toBe(0);
    fs.appendFileSync(file, 'tampered');
    const bad = minisign(['-V', '-p', keys.publicKey, '-m', file]);
    expect(bad.status).toBe(1);
    expect(bad.out).toContain('Signature verification failed');
  });

  it('we verify signatures made by minisign, prehashed and legacy, and refuse a tampered file', async () => {
    const dir = tmp();
    const pub = path.join(dir, 'm.pub');
    const sec = path.join(dir, 'm.key');
    execFileSync('minisign', ['-G', '-W', '-p', pub, '-s', sec], { stdio: 'ignore' });
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'hello\n');
    execFileSync('minisign', ['-S', '-s', sec, '-m', file, '-t', 'release 1'], { stdio: 'ignore' });
    const v = await verifySignature(file, pub);
    expect(v).toMatchObject({ algorithm: 'ED', trustedComment: 'release 1' });
    execFileSync('minisign', ['-S', '-l', '-s', sec, '-m', file, '-x', `${file}.l`], { stdio: 'ignore' });
    expect((await verifySignature(file, pub, { signature: `${file}.l` })).algorithm).toBe('Ed');
    fs.writeFileSync(file, 'hellO\n');
    await expect(verifySignature(file, pub)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('secret keys are interchangeable: minisign signs with ours, we sign with minisign -W keys', async () => {
    const dir = tmp();
    const keys = await pair(dir);
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'data');
    execFileSync('minisign', ['-S', '-s', keys.secretKey, '-m', file, '-x', `${file}.m`], {
      stdio: 'ignore',
    });
    await expect(verifySignature(file, keys.publicKey, { signature: `${file}.m` })).resolves.toMatchObject({
      keyId: keys.keyId,
    });
    const pub = path.join(dir, 'm.pub');
    const sec = path.join(dir, 'm.key');
    execFileSync('minisign', ['-G', '-W', '-p', pub, '-s', sec], { stdio: 'ignore' });
    await signFile(file, sec, { output: `${file}.ours` });
    expect(minisign(['-V', '-p', pub, '-m', file, '-x', `${file}.ours`]).status).toBe(0);
    // The same layout byte for byte, apart from the comment and the random key material.
    const theirs = Buffer.from(fs.readFileSync(sec, 'utf8').split('\n')[1]!, 'base64');
    const ours = Buffer.from(fs.readFileSync(keys.secretKey, 'utf8').split('\n')[1]!, 'base64');
    expect(ours.length).toBe(theirs.length);
    expect(ours.subarray(0, 54).equals(theirs.subarray(0, 54))).toBe(true);
    expect(ours.subarray(126).equals(theirs.subarray(126))).toBe(true);
  });
});
