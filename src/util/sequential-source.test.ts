import { describe, expect, it } from 'vitest';
import { SequentialSource } from './sequential-source.js';

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

const bytes = Buffer.from('0123456789abcdefghij');

describe('SequentialSource', () => {
  it('peeks and takes across chunk boundaries, tracking the position', async () => {
    const src = new SequentialSource(chunked(bytes, 3));
    expect(await src.ensure(5)).toBe(true);
    expect(Buffer.from(src.peek(5)).toString()).toBe('01234');
    expect(Buffer.from((await src.take(7)) as Uint8Array).toString()).toBe('0123456');
    expect(src.position).toBe(7);
    expect(Buffer.from((await src.take(13)) as Uint8Array).toString()).toBe('789abcdefghij');
    expect(await src.atEnd()).toBe(true);
  });

  it('take past the end returns how many bytes were left and consumes nothing', async () => {
    const src = new SequentialSource(chunked(bytes, 4));
    src.skip(0);
    await src.take(18);
    expect(await src.take(5)).toBe(2);
    expect(src.position).toBe(18);
    expect(Buffer.from((await src.take(2)) as Uint8Array).toString()).toBe('ij');
  });

  it('unshift puts bytes back in front and moves the position back', async () => {
    const src = new SequentialSource(chunked(bytes, 6));
    const chunk = (await src.nextChunk(100))!;
    expect(Buffer.from(chunk).toString()).toBe('012345');
    src.unshift(chunk.subarray(4));
    expect(src.position).toBe(4);
    expect(Buffer.from((await src.take(4)) as Uint8Array).toString()).toBe('4567');
  });

  it('skipZeros stops at the first other byte, across chunks', async () => {
    const src = new SequentialSource(chunked(Buffer.concat([Buffer.alloc(10), Buffer.from('x')]), 3));
    await src.skipZeros();
    expect(src.position).toBe(10);
    expect(src.peek(1)[0]).toBe(0x78);
  });

  it('nextChunk returns at most max bytes without copying', async () => {
    const src = new SequentialSource(chunked(bytes, 20));
    const a = (await src.nextChunk(8))!;
    expect(a.buffer).toBe(bytes.buffer);
    expect(Buffer.from(a).toString()).toBe('01234567');
  });

  it('at the end: take returns 0, nextChunk undefined, and a short stream keeps what there is', async () => {
    const src = new SequentialSource(chunked(bytes, 7));
    expect(await src.ensure(25)).toBe(false);
    expect(src.buffered).toBe(20);
    src.skip(20);
    expect(await src.take(512)).toBe(0);
    expect(await src.nextChunk(10)).toBeUndefined();
    expect(src.position).toBe(20);
  });

  it('nextChunk pieces add up to a span that crosses chunks, with no byte past it', async () => {
    const src = new SequentialSource(chunked(bytes, 6));
    src.skip(0);
    const pieces: string[] = [];
    for (let left = 13; left > 0; ) {
      const piece = (await src.nextChunk(left))!;
      pieces.push(Buffer.from(piece).toString());
      left -= piece.length;
    }
    expect(pieces).toEqual(['012345', '6789ab', 'c']);
    expect(Buffer.from((await src.take(7)) as Uint8Array).toString()).toBe('defghij');
  });

  it('window makes the next n bytes contiguous, copying only those that straddle chunks', async () => {
    const src = new SequentialSource(chunked(Uint8Array.from(bytes), 4));
    await src.ensure(20);
    src.skip(2);
    // Within the head chunk: the chunk itself, read from windowStart.
    const head = src.window(2);
    expect(head.length).toBe(4);
    expect(src.windowStart).toBe(2);
    expect(head.toString('latin1', 2, 4)).toBe('23');
    // Across three chunks: exactly those 7 bytes in a chunk of their own, a Buffer.
    const merged = src.window(7);
    expect(Buffer.isBuffer(merged)).toBe(true);
    expect(merged.length).toBe(7);
    expect(src.windowStart).toBe(0);
    expect(merged.toString()).toBe('2345678');
    // Nothing consumed or lost: the split chunk's rest follows.
    expect(src.position).toBe(2);
    expect(src.buffered).toBe(18);
    src.skip(7);
    expect(Buffer.from((await src.take(11)) as Uint8Array).toString()).toBe('9abcdefghij');
    expect(await src.atEnd()).toBe(true);
  });
});
