import { describe, expect, it } from 'vitest';
import { ByteSource } from './byte-source.js';
import { chunked } from './test-support/records.js';

const bytes = Buffer.from('0123456789abcdefghij');

describe('ByteSource', () => {
  it('peeks and takes across chunk boundaries, tracking the position', async () => {
    const src = new ByteSource(chunked(bytes, 3));
    expect(await src.ensure(5)).toBe(true);
    expect(Buffer.from(src.peek(5)).toString()).toBe('01234');
    expect(Buffer.from((await src.take(7)) as Uint8Array).toString()).toBe('0123456');
    expect(src.position).toBe(7);
    expect(Buffer.from((await src.take(13)) as Uint8Array).toString()).toBe('789abcdefghij');
    expect(await src.atEnd()).toBe(true);
  });

  it('take past the end returns how many bytes were left and consumes nothing', async () => {
    const src = new ByteSource(chunked(bytes, 4));
    src.skip(0);
    await src.take(18);
    expect(await src.take(5)).toBe(2);
    expect(src.position).toBe(18);
    expect(Buffer.from((await src.take(2)) as Uint8Array).toString()).toBe('ij');
  });

  it('unshift puts bytes back in front and moves the position back', async () => {
    const src = new ByteSource(chunked(bytes, 6));
    const chunk = (await src.nextChunk(100))!;
    expect(Buffer.from(chunk).toString()).toBe('012345');
    src.unshift(chunk.subarray(4));
    expect(src.position).toBe(4);
    expect(Buffer.from((await src.take(4)) as Uint8Array).toString()).toBe('4567');
  });

  it('skipZeros stops at the first other byte, across chunks', async () => {
    const src = new ByteSource(chunked(Buffer.concat([Buffer.alloc(10), Buffer.from('x')]), 3));
    await src.skipZeros();
    expect(src.position).toBe(10);
    expect(src.peek(1)[0]).toBe(0x78);
  });

  it('nextChunk returns at most max bytes without copying', async () => {
    const src = new ByteSource(chunked(bytes, 20));
    const a = (await src.nextChunk(8))!;
    expect(a.buffer).toBe(bytes.buffer);
    expect(Buffer.from(a).toString()).toBe('01234567');
  });
});
