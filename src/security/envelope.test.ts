import { createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ToolError } from '../errors/index.js';
import {
  decryptChunks,
  ENVELOPE_MAGIC,
  encryptChunks,
  HEADER_BYTES,
  MIN_ENVELOPE_BYTES,
  openBytes,
  sealBytes,
  TAG_BYTES,
} from './envelope.js';

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 8);

function errorOf(fn: () => unknown): ToolError | undefined {
  try {
    fn();
  } catch (err) {
    return err as ToolError;
  }
  return undefined;
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(c);
  return Buffer.concat(out);
}

async function* pieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const n = Math.max(1, sizes[i++ % Math.max(1, sizes.length)] ?? 1);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

describe('the envelope layout', () => {
  it('is magic, version 1, a 12-byte nonce, the ciphertext, a 16-byte tag; the header is the AAD', () => {
    const plain = Buffer.from('node_id: n1\n');
    const env = sealBytes(KEY, plain);
    expect(env.subarray(0, 8).toString('hex')).toBe('524f434b454e4300');
    expect(env[8]).toBe(1);
    expect(env.length).toBe(HEADER_BYTES + plain.length + TAG_BYTES);
    expect(HEADER_BYTES).toBe(21);
    // Decrypt independently of envelope.ts with the documented layout.
    const d = createDecipheriv('aes-256-gcm', KEY, env.subarray(9, 21));
    d.setAAD(env.subarray(0, 21));
    d.setAuthTag(env.subarray(env.length - 16));
    expect(Buffer.concat([d.update(env.subarray(21, env.length - 16)), d.final()]).equals(plain)).toBe(true);
  });

  it('uses a fresh nonce every time', () => {
    const a = sealBytes(KEY, Buffer.from('x'));
    const b = sealBytes(KEY, Buffer.from('x'));
    expect(a.subarray(9, 21).equals(b.subarray(9, 21))).toBe(false);
  });
});

describe('opening an envelope', () => {
  it('round-trips any plaintext, in memory and in streamed pieces of any size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 8 }),
        async (plain, sizes) => {
          const env = await collect(encryptChunks(KEY, pieces(plain, sizes)));
          expect(openBytes(KEY, env, 'f').equals(Buffer.from(plain))).toBe(true);
          expect(
            (await collect(decryptChunks(KEY, pieces(env, sizes), 'f'))).equals(Buffer.from(plain)),
          ).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fails with a wrong key', async () => {
    const env = sealBytes(KEY, Buffer.from('secret config'));
    const err = errorOf(() => openBytes(OTHER, env, 'node.enc'));
    expect(err?.code).toBe('ENVELOPE_AUTH_FAILED');
    expect(err?.message).toBe(
      'node.enc: cannot decrypt: wrong key, or the file was modified or truncated (AES-256-GCM tag mismatch)',
    );
    await expect(collect(decryptChunks(OTHER, pieces(env, [5]), 'node.enc'))).rejects.toMatchObject({
      code: 'ENVELOPE_AUTH_FAILED',
    });
  });

  it('fails for a flipped bit anywhere', () => {
    const env = sealBytes(KEY, Buffer.from('node_id: n1\nrole: worker\n'));
    const codes = new Set<string>();
    for (let byte = 0; byte < env.length; byte++) {
      for (const bit of [0, 7]) {
        const bad = Buffer.from(env);
        bad[byte]! ^= 1 << bit;
        const code = errorOf(() => openBytes(KEY, bad, 'f'))?.code ?? 'opened';
        codes.add(code);
        if (byte < 8) expect(code).toBe('ENVELOPE_BAD_MAGIC');
        else if (byte === 8) expect(code).toBe('ENVELOPE_BAD_VERSION');
        else expect(code).toBe('ENVELOPE_AUTH_FAILED');
      }
    }
    expect(codes.has('opened')).toBe(false);
  });

  it('fails for every truncation, in memory and streamed', async () => {
    const plain = Buffer.from('a'.repeat(100));
    const env = sealBytes(KEY, plain);
    for (let len = 0; len < env.length; len++) {
      const cut = env.subarray(0, len);
      const expected = len < MIN_ENVELOPE_BYTES ? 'ENVELOPE_TRUNCATED' : 'ENVELOPE_AUTH_FAILED';
      expect(errorOf(() => openBytes(KEY, cut, 'f'))?.code).toBe(expected);
      await expect(collect(decryptChunks(KEY, pieces(cut, [7]), 'f'))).rejects.toMatchObject({
        code: expected,
      });
    }
    expect(errorOf(() => openBytes(KEY, env.subarray(0, 10), 'f'))?.message).toBe(
      'f: truncated: expected at least 37 bytes (header 21, tag 16), got 10',
    );
  });

  it('names what is wrong with a file that is no envelope', () => {
    expect(errorOf(() => openBytes(KEY, Buffer.from('node_id: plain yaml\n'), 'node.yaml'))?.message).toBe(
      "node.yaml:0x0: magic: expected 'ROCKENC\\0' (an encrypted config), got other bytes",
    );
    const v2 = Buffer.concat([ENVELOPE_MAGIC, Buffer.from([2]), Buffer.alloc(40)]);
    expect(errorOf(() => openBytes(KEY, v2, 'x'))?.message).toBe('x:0x8: version: expected 1, got 2');
  });
});
