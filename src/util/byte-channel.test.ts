import { describe, expect, it } from 'vitest';
import { ByteChannel } from './byte-channel.js';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('ByteChannel', () => {
  it('hands every chunk over in order, the same objects, then ends', async () => {
    const channel = new ByteChannel(10);
    const a = bytes(3, 1);
    const b = bytes(4, 2);
    expect(channel.push(a)).toBeUndefined();
    expect(channel.push(b)).toBeUndefined();
    channel.end();
    const seen: Uint8Array[] = [];
    for await (const chunk of channel) seen.push(chunk);
    expect(seen).toEqual([a, b]);
    expect(seen[0]).toBe(a);
  });

  it('holds the producer while more than the limit is queued, and releases it as the reader takes', async () => {
    const channel = new ByteChannel(4);
    expect(channel.push(bytes(4))).toBeUndefined();
    let released = false;
    const held = channel.push(bytes(2));
    expect(held).toBeInstanceOf(Promise);
    held?.then(() => {
      released = true;
    });
    await Promise.resolve();
    expect(released).toBe(false);
    const reader = channel[Symbol.asyncIterator]();
    expect((await reader.next()).value).toHaveLength(4);
    await held;
    expect(released).toBe(true);
    channel.end();
    expect((await reader.next()).value).toHaveLength(2);
    expect((await reader.next()).done).toBe(true);
  });

  it('fails the reader with the producer error, and the producer with a failure', async () => {
    const channel = new ByteChannel(4);
    const reader = channel[Symbol.asyncIterator]();
    const next = reader.next();
    channel.fail(new Error('disk full'));
    await expect(next).rejects.toThrow('disk full');
    await expect(channel.push(bytes(1))).rejects.toThrow('disk full');
  });

  it('never leaves the producer waiting on a reader that stopped', async () => {
    const channel = new ByteChannel(1);
    const held = channel.push(bytes(8));
    for await (const _ of channel) break;
    await held;
    expect(channel.push(bytes(8))).toBeUndefined();
  });

  it('refuses a second reader and a push after the end', async () => {
    const channel = new ByteChannel(1);
    channel.end();
    for await (const _ of channel);
    await expect(channel[Symbol.asyncIterator]().next()).rejects.toThrow('read twice');
    await expect(channel.push(bytes(1))).rejects.toThrow('after end');
  });
});
