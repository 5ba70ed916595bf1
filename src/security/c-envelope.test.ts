/**
 * The envelope as a C program using OpenSSL reads it (fixtures/c/config-decrypt.c with
 * rock-envelope.c): what rock-init's side does with /config/CONFIG_KEY, proven on the host.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptFile } from './envelope-file.js';
import { createConfigKey } from './keygen.js';

const fixtures = fileURLToPath(new URL('../../fixtures/c/', import.meta.url));
const canBuild = spawnSync('gcc', ['--version']).status === 0 && fs.existsSync('/usr/include/openssl/evp.h');

function run(bin: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe.skipIf(!canBuild)('a C program with libcrypto reads the envelope', () => {
  let bin = '';
  let dir = '';
  let key = '';
  let env = '';

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
    bin = path.join(dir, 'config-decrypt');
    execFileSync('gcc', [
      '-O2',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-o',
      bin,
      path.join(fixtures, 'config-decrypt.c'),
      path.join(fixtures, 'rock-envelope.c'),
      '-lcrypto',
    ]);
    expect(execFileSync('ldd', [bin], { encoding: 'utf8' })).toMatch(/libcrypto\.so/);
    key = path.join(dir, 'CONFIG_KEY');
    await createConfigKey(key);
    fs.writeFileSync(path.join(dir, 'node.yaml'), '# comment\nnode_id: "edge-7"   \nhostname: edge-7\n');
    env = path.join(dir, 'node.yaml.enc');
    await encryptFile(path.join(dir, 'node.yaml'), env, key);
  });

  it('prints the marker when the envelope decrypts and the node_id matches', () => {
    expect(run(bin, [key, env, 'edge-7'])).toEqual({ status: 0, out: 'CONFIG-DECRYPT: ok node_id=edge-7\n' });
  });

  it('fails for another node id, a flipped bit, a truncated file, a wrong key', async () => {
    expect(run(bin, [key, env, 'edge-8'])).toEqual({
      status: 1,
      out: 'CONFIG-DECRYPT: FAILED node_id does not match the expected one\n',
    });
    const bytes = fs.readFileSync(env);
    for (const at of [9, 30, bytes.length - 1]) {
      const bad = Buffer.from(bytes);
      bad[at]! ^= 0x01;
      fs.writeFileSync(path.join(dir, 'bad.enc'), bad);
      expect(run(bin, [key, path.join(dir, 'bad.enc'), 'edge-7'])).toEqual({
        status: 1,
        out: 'CONFIG-DECRYPT: FAILED authentication failed: wrong key, or the file was modified\n',
      });
    }
    fs.writeFileSync(path.join(dir, 'short.enc'), bytes.subarray(0, 36));
    expect(run(bin, [key, path.join(dir, 'short.enc'), 'edge-7']).out).toBe(
      'CONFIG-DECRYPT: FAILED truncated: shorter than header and tag\n',
    );
    const other = path.join(dir, 'OTHER');
    await createConfigKey(other);
    expect(run(bin, [other, env, 'edge-7']).status).toBe(1);
    fs.writeFileSync(path.join(dir, 'badkey'), 'not a key\n');
    expect(run(bin, [path.join(dir, 'badkey'), env, 'edge-7']).out).toBe(
      'CONFIG-DECRYPT: FAILED key: expected base64 of 32 bytes and an optional newline\n',
    );
  });
});
