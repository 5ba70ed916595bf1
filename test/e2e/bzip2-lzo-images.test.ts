// rock-image ls / extract and rock-verify integration on images whose segments are bzip2 or lzo
// (Debian's COMPRESS=bzip2 / COMPRESS=lzop; the kernel's RD_BZIP2 / RD_LZO), compressed by the
// bzip2 and lzop tools: alone, and as a second segment after gzip or an uncompressed one.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteEntry } from '../../src/cpio/index.js';
import { file } from '../../src/cpio/test-support/records.js';
import { depsEntries, layoutContract, prepareEntries, writeArchive } from '../../src/image/index.js';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { runTool } from '../support/cli.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const compress = (tool: string, input: Buffer) => {
  const run = spawnSync(tool, ['-c'], { input, maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${tool}: ${run.stderr}`);
  return run.stdout;
};

let work: string;
let plain: Buffer;
/** A second segment: one more file, as an overlay adds one. */
let extra: Buffer;

async function archive(entries: WriteEntry[]): Promise<Buffer> {
  const path = join(work, `a${Math.random().toString(36).slice(2)}.cpio`);
  const out = createWriteStream(path);
  await writeArchive(prepareEntries(entries), out, 'none');
  await finished(out);
  return readFileSync(path);
}

beforeAll(async () => {
  const fx = fixturesDir();
  work = mkdtempSync(join(tmpdir(), 'bzip2-lzo-e2e-'));
  const components = {
    init: join(fx, 'rock-init'),
    manager: join(fx, 'rock-manager'),
    agent: join(fx, 'volcano-agent'),
    busybox: join(fx, 'busybox'),
  };
  plain = await archive([
    ...depsEntries([{ path: components.agent, label: 'volcano-agent' }]),
    ...layoutContract({ components }),
  ]);
  extra = await archive([file('etc/rock-extra', 'extra\n', { perm: 0o644 })]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const images: [string, () => Buffer][] = [
  ['bzip2', () => compress('bzip2', plain)],
  ['lzop', () => compress('lzop', plain)],
  ['gzip + bzip2', () => Buffer.concat([zlib.gzipSync(plain), compress('bzip2', extra)])],
  ['none + lzo', () => Buffer.concat([plain, compress('lzop', extra)])],
];

describe.skipIf(!has('bzip2') || !has('lzop'))('bzip2 and lzo images', () => {
  it.each(images)('%s: rock-verify integration passes, ls and extract read every segment', (label, make) => {
    const img = join(work, `${label.replace(/\W+/g, '-')}.img`);
    const bytes = make();
    writeFileSync(img, bytes);
    const verify = runTool('rock-verify', ['integration', img]);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout.trim().split('\n').at(-1)).toMatch(/^PASSED: /);

    const ls = runTool('rock-image', ['ls', '--json', img]);
    expect(ls.status, ls.stderr).toBe(0);
    const names = (JSON.parse(ls.stdout) as { name: string }[]).map((e) => e.name);
    expect(names).toContain('sbin/init');
    if (label.includes('+')) expect(names).toContain('etc/rock-extra');

    const out = join(work, `${label.replace(/\W+/g, '-')}-out`);
    const extract = runTool('rock-image', ['extract', img, out]);
    expect(extract.status, extract.stderr).toBe(0);
    expect(readFileSync(join(out, 'sbin/init')).equals(readFileSync(join(fixturesDir(), 'rock-init')))).toBe(
      true,
    );
    if (label.includes('+')) expect(readFileSync(join(out, 'etc/rock-extra'), 'utf8')).toBe('extra\n');
  });

  it('a corrupt bzip2 image: exit 2 naming the file, segment and offset', () => {
    const bytes = compress('bzip2', plain);
    bytes[10]! ^= 1;
    const img = join(work, 'bad.img');
    writeFileSync(img, bytes);
    const run = runTool('rock-image', ['ls', img]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^rock-image: bad\.img:0xa: segment 0 \(bzip2\) at 0x0: bzip2 block CRC: expected 0x[0-9a-f]{8}, got 0x[0-9a-f]{8}\n$/,
    );
  });
});
