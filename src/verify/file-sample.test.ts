import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EntryContent } from '../cpio/index.js';
import { readElfFile, readElfSource, readElfVersions, readElfVersionsSource } from '../elf/index.js';
import { captureSample, NotKeptError } from './file-sample.js';

/** Content streamed in pieces of `piece` bytes, counting what was handed out. */
function streamed(bytes: Uint8Array, piece = 65536): EntryContent & { handed: number } {
  const content = {
    size: bytes.length,
    handed: 0,
    async *chunks() {
      for (let i = 0; i < bytes.length; i += piece) {
        const chunk = bytes.subarray(i, i + piece);
        content.handed += chunk.length;
        yield chunk;
      }
    },
    bytes: async () => bytes,
  };
  return content;
}

const hostElves = ['/usr/bin/ls', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/bin/node'].filter((p) =>
  fs.existsSync(p),
);

/** Every shared library of the host's multiarch directory (the verifier read some of them wrongly). */
const LIB_DIR = '/usr/lib/x86_64-linux-gnu';
const hostLibraries = fs.existsSync(LIB_DIR)
  ? fs
      .readdirSync(LIB_DIR)
      .filter((n) => /\.so(\.\d+)*$/.test(n))
      .map((n) => `${LIB_DIR}/${n}`)
      .filter((p) => fs.lstatSync(p).isFile() && fs.statSync(p).size > 4096)
      .sort()
  : [];

describe('captureSample', () => {
  it.skipIf(hostLibraries.length === 0)(
    `keeps whole pages: every ELF read of ${hostLibraries.length} host libraries is answered`,
    async () => {
      const problems: string[] = [];
      for (const path of hostLibraries) {
        const bytes = fs.readFileSync(path);
        if (bytes[0] !== 0x7f || bytes[1] !== 0x45) continue;
        const sample = await captureSample(streamed(bytes, 65536), false);
        try {
          readElfSource(sample, path);
          readElfVersionsSource(sample, path);
        } catch (err) {
          if (err instanceof NotKeptError) problems.push(`${path}: ${err.message}`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.skipIf(hostElves.length === 0).each(hostElves)(
    '%s: the kept ranges answer every ELF read the checks make, in a fraction of the file',
    async (path) => {
      const bytes = fs.readFileSync(path);
      const sample = await captureSample(streamed(bytes, 7919), false);
      expect(sample.size).toBe(bytes.length);
      expect(readElfSource(sample, path)).toEqual(readElfFile(path));
      expect(readElfVersionsSource(sample, path)).toEqual(readElfVersions(bytes, path));
    },
  );

  it.skipIf(hostElves.length === 0).each(hostElves)(
    '%s: keeps the pages the checks read, not its segments (a few dozen pages at most)',
    async (path) => {
      const bytes = fs.readFileSync(path);
      const sample = await captureSample(streamed(bytes, 65536), false);
      let kept = 0;
      for (let at = 0; at < bytes.length; at += 4096) {
        try {
          sample.read(at, 1);
          kept += 1;
        } catch (err) {
          if (!(err instanceof NotKeptError)) throw err;
        }
      }
      // The 16 KiB head (4 pages), the dynamic section, its string and version tables.
      expect(kept).toBeLessThanOrEqual(48);
      expect(sample.head.buffer.byteLength).toBe(sample.head.length);
    },
  );

  it('a small file read from a large chunk keeps a copy of its own, not the chunk', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x63);
    const file = chunk.subarray(1000, 3000);
    const sample = await captureSample({ ...streamed(file), inMemory: file }, false);
    expect(sample.head.length).toBe(2000);
    expect(sample.head.buffer.byteLength).toBe(2000);
  });

  it('a 64 MiB file of text keeps its first 512 bytes and nothing else', async () => {
    const bytes = Buffer.alloc(64 * 1024 * 1024, 0x61);
    bytes.write('#!/bin/sh\n', 0);
    const content = streamed(bytes);
    const sample = await captureSample(content, false);
    expect(content.handed).toBe(bytes.length);
    expect(sample.head.length).toBe(512);
    expect(Buffer.from(sample.read(0, 10)).toString()).toBe('#!/bin/sh\n');
    expect(() => sample.read(1 << 20, 16)).toThrow(NotKeptError);
  });

  it('a config file is kept whole', async () => {
    const bytes = Buffer.alloc(200 * 1024, 0x62);
    const sample = await captureSample(streamed(bytes, 1000), true);
    expect(Buffer.compare(Buffer.from(sample.head), bytes)).toBe(0);
  });
});
