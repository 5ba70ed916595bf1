import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptFile, encryptFile } from './envelope-file.js';
import { formatKey } from './key-file.js';
import { useTempDirs } from './test-support/temp-dir.js';

const tmp = useTempDirs();

function setup(): { dir: string; key: string; other: string } {
  const dir = tmp();
  const key = path.join(dir, 'CONFIG_KEY');
  const other = path.join(dir, 'OTHER_KEY');
  fs.writeFileSync(key, formatKey(Buffer.alloc(32, 1)), { mode: 0o600 });
  fs.writeFileSync(other, formatKey(Buffer.alloc(32, 2)), { mode: 0o600 });
  return { dir, key, other };
}

describe('encrypting and decrypting files', () => {
  it('streams a file larger than one read chunk through and back, with modes 0644 and 0600', async () => {
    const { dir, key } = setup();
    const plain = randomBytes(5 * 1024 * 1024 + 3);
    fs.writeFileSync(path.join(dir, 'big'), plain);
    const enc = await encryptFile(path.join(dir, 'big'), path.join(dir, 'big.enc'), key);
    expect(enc.bytesIn).toBe(plain.length);
    expect(enc.bytesOut).toBe(plain.length + 37);
    expect(fs.statSync(path.join(dir, 'big.enc')).mode & 0o777).toBe(0o644);
    const dec = await decryptFile(path.join(dir, 'big.enc'), path.join(dir, 'big.out'), key);
    expect(dec.bytesOut).toBe(plain.length);
    expect(fs.readFileSync(path.join(dir, 'big.out')).equals(plain)).toBe(true);
    expect(fs.statSync(path.join(dir, 'big.out')).mode & 0o777).toBe(0o600);
  });

  it('writes nothing for a wrong key or a tampered file, and leaves an existing output alone', async () => {
    const { dir, key, other } = setup();
    fs.writeFileSync(path.join(dir, 'node.yaml'), 'node_id: n1\n'.repeat(10000));
    await encryptFile(path.join(dir, 'node.yaml'), path.join(dir, 'node.enc'), key);
    const before = fs.readdirSync(dir).sort();
    await expect(decryptFile(path.join(dir, 'node.enc'), path.join(dir, 'out'), other)).rejects.toMatchObject(
      {
        code: 'ENVELOPE_AUTH_FAILED',
        exitCode: 2,
      },
    );
    expect(fs.readdirSync(dir).sort()).toEqual(before);

    const env = fs.readFileSync(path.join(dir, 'node.enc'));
    env[env.length - 1]! ^= 0x80;
    fs.writeFileSync(path.join(dir, 'tampered.enc'), env);
    fs.writeFileSync(path.join(dir, 'out'), 'previous');
    await expect(
      decryptFile(path.join(dir, 'tampered.enc'), path.join(dir, 'out'), key),
    ).rejects.toMatchObject({
      code: 'ENVELOPE_AUTH_FAILED',
    });
    expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe('previous');
    expect(fs.readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);

    fs.writeFileSync(path.join(dir, 'short.enc'), env.subarray(0, 30));
    await expect(decryptFile(path.join(dir, 'short.enc'), path.join(dir, 'out2'), key)).rejects.toMatchObject(
      {
        code: 'ENVELOPE_TRUNCATED',
      },
    );
    expect(fs.existsSync(path.join(dir, 'out2'))).toBe(false);
  });

  it('reports the key file mode so callers can warn', async () => {
    const { dir, key } = setup();
    fs.chmodSync(key, 0o644);
    fs.writeFileSync(path.join(dir, 'a'), 'a');
    const r = await encryptFile(path.join(dir, 'a'), path.join(dir, 'a.enc'), key);
    expect(r.keyPerm).toBe(0o644);
  });
});

describe('unusable inputs', () => {
  it('refuses a missing input and leaves no temporary file', async () => {
    const { dir, key } = setup();
    await expect(encryptFile(path.join(dir, 'missing'), path.join(dir, 'out'), key)).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
    });
    expect(fs.readdirSync(dir).sort()).toEqual(['CONFIG_KEY', 'OTHER_KEY']);
  });
});
