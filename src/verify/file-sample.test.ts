import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EntryContent } from '../cpio/index.js';
import { loadSegmentProblem, readElfFile, readElfSource, readElfVersions } from '../elf/index.js';
import { bufferSource } from '../util/random-access-source.js';
import { elfInterpreter } from './elf-interp.js';
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

/** `bytes` (a 64-bit little-endian ELF) with its DT_STRTAB moved far outside every segment. */
function breakStrtab(bytes: Buffer): Buffer {
  const phoff = Number(bytes.readBigUInt64LE(0x20));
  const phnum = bytes.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * 56;
    if (bytes.readUInt32LE(ph) !== 2) continue;
    const offset = Number(bytes.readBigUInt64LE(ph + 8));
    const filesz = Number(bytes.readBigUInt64LE(ph + 32));
    for (let at = offset; at + 16 <= offset + filesz; at += 16) {
      const tag = bytes.readBigUInt64LE(at);
      if (tag === 0n) break;
      if (tag === 5n) bytes.writeBigUInt64LE(0x7fff_0000_0000n, at + 8);
    }
  }
  return bytes;
}

describe('captureSample', () => {
  it.skipIf(hostLibraries.length === 0)(
    `parses every ELF file once: the facts of ${hostLibraries.length} host libraries equal a read of the whole file`,
    async () => {
      const problems: string[] = [];
      for (const path of hostLibraries) {
        const bytes = fs.readFileSync(path);
        if (bytes[0] !== 0x7f || bytes[1] !== 0x45) continue;
        const sample = await captureSample(streamed(bytes, 65536), false);
        if (sample.elf === undefined) {
          // The readers refused what was kept: the pages they read stay, so they meet the same error.
          problems.push(`${path}: no facts`);
          continue;
        }
        try {
          expect(sample.elf.info).toEqual(readElfFile(path));
          expect(sample.elf.versions).toEqual(readElfVersions(bytes, path));
          expect(sample.elf.loadProblem).toBe(loadSegmentProblem(bytes, path));
        } catch (err) {
          problems.push(`${path}: ${(err as Error).message.slice(0, 200)}`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.skipIf(hostElves.length === 0).each(hostElves)(
    '%s: keeps its facts and, as bytes, only its headers and PT_INTERP',
    async (path) => {
      const bytes = fs.readFileSync(path);
      const sample = await captureSample(streamed(bytes, 7919), false);
      expect(sample.size).toBe(bytes.length);
      expect(sample.elf?.info).toEqual(readElfFile(path));
      expect(sample.elf?.versions).toEqual(readElfVersions(bytes, path));
      // What the checks read of `data`: PT_INTERP when it lies in the first 64 KiB (libc.so.6's does not).
      expect(elfInterpreter(sample.head)).toBe(elfInterpreter(bytes.subarray(0, 64 * 1024)));
      expect(Buffer.from(sample.head).equals(bytes.subarray(0, sample.head.length))).toBe(true);
      expect(sample.head.length).toBeLessThanOrEqual(4096);
      expect(sample.head.buffer.byteLength).toBe(sample.head.length);
      expect(() => sample.read(sample.head.length, 1)).toThrow(NotKeptError);
    },
  );

  it.skipIf(hostElves.length === 0)(
    'an ELF file the readers refuse keeps the pages they read: the same error as on the whole file',
    async () => {
      const bytes = Buffer.from(fs.readFileSync(hostElves[0]!));
      const info = readElfFile(hostElves[0]!);
      expect(info.hasDynamic).toBe(true);
      // DT_STRTAB pointing outside every segment: readElfSource fails with ELF_CORRUPT.
      const broken = breakStrtab(bytes);
      const expected = (() => {
        try {
          readElfSource(bufferSource(broken), 'x');
        } catch (err) {
          return (err as Error).message;
        }
        return 'no error';
      })();
      expect(expected).not.toBe('no error');
      const sample = await captureSample(streamed(broken, 65536), false);
      expect(sample.elf).toBeUndefined();
      expect(() => readElfSource(sample, 'x')).toThrow(expected);
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
    // A copy of its own: the 64 KiB chunk it was read from is not kept alive by it.
    expect(sample.head.buffer.byteLength).toBe(512);
    expect(Buffer.from(sample.read(0, 10)).toString()).toBe('#!/bin/sh\n');
    expect(() => sample.read(1 << 20, 16)).toThrow(NotKeptError);
  });

  it('a config file is kept whole', async () => {
    const bytes = Buffer.alloc(200 * 1024, 0x62);
    const sample = await captureSample(streamed(bytes, 1000), true);
    expect(Buffer.compare(Buffer.from(sample.head), bytes)).toBe(0);
  });
});
