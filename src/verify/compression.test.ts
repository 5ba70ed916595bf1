import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompressor } from '../compression/index.js';
import type { WriteEntry } from '../cpio/index.js';
import { Collector, writeAll } from '../cpio/test-support/records.js';
import { goodImage } from './test-support/good-image.js';
import { verifyImage } from './verify-image.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
let archive: Buffer;
let baseline: number;

beforeAll(async () => {
  const entries: WriteEntry[] = goodImage().map((r) =>
    r.info.type === 'file' ? { info: r.info, content: r.data } : { info: r.info },
  );
  archive = await writeAll(entries);
  baseline = (await verifyImage(image('plain.img', archive))).checked;
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function image(name: string, bytes: Uint8Array): string {
  const p = path.join(work, name);
  fs.writeFileSync(p, bytes);
  return p;
}

const xzCli = (check: string, input: Buffer): Buffer =>
  execFileSync('xz', ['-c', '-T1', `--check=${check}`], { input, maxBuffer: 1 << 26 });

describe('verifyImage: the xz integrity check the kernel can decode', () => {
  it('passes our own xz output (CRC32) and xz --check=none, one more check each', async () => {
    const out = new Collector();
    await pipeline(
      async function* () {
        yield archive;
      },
      createCompressor('xz'),
      out,
    );
    for (const bytes of [out.bytes, xzCli('none', archive)]) {
      const report = await verifyImage(image('ok.img', bytes));
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(true);
      expect(report.checked).toBe(baseline + 1);
    }
  });

  it("fails xz's default CRC64, naming the offset and what the kernel says", async () => {
    const report = await verifyImage(image('crc64.img', xzCli('crc64', archive)));
    expect(report.passed).toBe(false);
    expect(report.failures).toEqual([
      {
        rule: 'compression.xz-check',
        path: 'crc64.img:0x0',
        expected: 'CRC32 or none (xz --check=crc32)',
        found: 'CRC64',
        message:
          'crc64.img:0x0: xz integrity check: expected CRC32 or none (xz --check=crc32), found CRC64; ' +
          'the kernel fails with "Initramfs unpacking failed: Input was encoded with settings that are ' +
          'not supported by this XZ decoder"',
      },
    ]);
  });

  it('finds a SHA-256 xz segment after a gzip one, at its own offset', async () => {
    // The same records twice (duplicates are failures of their own): only the xz rule matters here.
    const first = zlib.gzipSync(archive);
    const second = xzCli('sha256', archive);
    const report = await verifyImage(image('two.img', Buffer.concat([first, second])), { source: 'two.img' });
    const xz = report.failures.filter((f) => f.rule.startsWith('compression.'));
    expect(xz.map((f) => [f.rule, f.path, f.found])).toEqual([
      ['compression.xz-check', `two.img:0x${first.length.toString(16)}`, 'SHA-256'],
    ]);
  });
});

describe('zstd window', () => {
  it('a frame made by zstd --long=30 fails compression.zstd-window naming the window and the limit', async () => {
    const zst = execFileSync('zstd', ['-c', '-q', '--long=30'], { input: archive });
    const report = await verifyImage(image('long.img', zst), { source: 'long.img' });
    expect(report.failures.map((f) => f.message)).toEqual([
      "long.img:0x0: zstd window: expected at most 128 MiB (the kernel's unzstd limit), found 1024 MiB; the kernel cannot allocate it at boot (recompress without --long or --ultra)",
    ]);
  });

  it('positive twin: zstd -19 passes', async () => {
    const zst = execFileSync('zstd', ['-c', '-q', '-19'], { input: archive });
    expect((await verifyImage(image('z19.img', zst))).passed).toBe(true);
  });
});
