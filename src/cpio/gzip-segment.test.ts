// gunzipMember feeds zlib ahead of the reader (up to 512 KiB of input in flight): the bytes after
// the member's end, fed or fetched already, must go back to the source for the next segment.
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SequentialSource } from '../util/sequential-source.js';
import type { StreamPlace } from './errors.js';
import { gunzipMember } from './gzip-segment.js';
import { readRecords } from './read-records.js';
import { file, writeAll } from './test-support/records.js';

const PLACE: StreamPlace = { source: 'test.img', segment: 0, compression: 'gzip', segmentOffset: 0 };

/**
 * `bytes` in chunks of `size`, counting how many the consumer has pulled; `slow`: each one a turn of
 * the event loop later, like a file read (so a fetch is still under way when the member ends).
 */
function counted(
  bytes: Uint8Array,
  size: number,
  slow = false,
): { chunks: AsyncGenerator<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += size) {
      if (slow) await new Promise((resolve) => setImmediate(resolve));
      pulled += 1;
      yield bytes.subarray(at, at + size);
    }
  }
  return { chunks: chunks(), pulled: () => pulled };
}

/** Everything left in the source after the member: what the next segment's reader gets. */
async function restOf(src: SequentialSource): Promise<Buffer> {
  const rest: Uint8Array[] = [];
  for (let chunk = await src.nextChunk(1 << 20); chunk !== undefined; chunk = await src.nextChunk(1 << 20))
    rest.push(chunk);
  return Buffer.concat(rest);
}

/** Half random (so the member is long when compressed), half text. */
function content(n: number): Buffer {
  return Buffer.concat([randomBytes(n / 2), Buffer.alloc(n / 2, 'rock-os ')]);
}

describe('gunzipMember fed ahead', () => {
  const first = content(2 << 20);
  const member = zlib.gzipSync(first);
  const next = zlib.gzipSync(content(1 << 20));
  const image = Buffer.concat([member, next]);

  it.each([
    [65536, false],
    [65536, true],
    [7919, false],
    [7919, true],
    [300_000, false],
    [image.length, false],
  ])(
    'in %i-byte chunks (slow: %s): yields the member, ends at its trailer and leaves every later byte',
    async (size, slow) => {
      const input = counted(image, size, slow);
      const src = new SequentialSource(input.chunks);
      const out: Uint8Array[] = [];
      let pulledAtFirstOutput = 0;
      for await (const chunk of gunzipMember(src, PLACE)) {
        if (out.length === 0) pulledAtFirstOutput = input.pulled();
        out.push(chunk);
      }
      expect(Buffer.concat(out).equals(first)).toBe(true);
      expect(src.position).toBe(member.length);
      // The member ends inside a chunk that was fed, and more were fetched after it.
      if (size === 65536 && !slow) {
        expect(member.length % size).not.toBe(0);
        expect(pulledAtFirstOutput).toBeGreaterThan(2);
      }
      expect((await restOf(src)).equals(next)).toBe(true);
    },
  );

  it('waits for a chunk still being fetched when the member ends, and gives it back', async () => {
    // The chunk after the one the member ends in arrives only well after the member's last output:
    // the decoder must wait for it (it was taken from the source) and return it whole.
    const size = 65536;
    const held = Math.ceil(member.length / size) * size;
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    async function* chunks() {
      for (let at = 0; at < image.length; at += size) {
        if (at === held) await gate;
        yield image.subarray(at, at + size);
      }
    }
    const src = new SequentialSource(chunks());
    let got = 0;
    for await (const chunk of gunzipMember(src, PLACE)) {
      got += chunk.length;
      if (got === first.length) setTimeout(open, 50);
    }
    expect(got).toBe(first.length);
    expect(src.position).toBe(member.length);
    expect((await restOf(src)).equals(next)).toBe(true);
  });

  it('a gzip member followed by an uncompressed archive and another member: three segments', async () => {
    const a = await writeAll([file('a', content(1 << 20))]);
    const b = await writeAll([file('b', 'plain')]);
    const c = await writeAll([file('c', content(1 << 19))]);
    const gz = zlib.gzipSync(a);
    // NUL padding to the 4-byte boundary an uncompressed archive must start at.
    const padded = Buffer.concat([gz, Buffer.alloc((4 - (gz.length % 4)) % 4)]);
    const img = Buffer.concat([padded, b, zlib.gzipSync(c)]);
    const seen: [string, number, string][] = [];
    for await (const r of readRecords(counted(img, 65536).chunks))
      seen.push([r.info.name, r.origin.segmentOffset, r.origin.compression]);
    expect(seen.filter(([name]) => name !== 'TRAILER!!!')).toEqual([
      ['a', 0, 'gzip'],
      ['b', padded.length, 'none'],
      ['c', padded.length + b.length, 'gzip'],
    ]);
  });
});
