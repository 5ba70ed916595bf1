import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { ustar } from '../kernel/test-support/archives.js';
import { removeTemp, tempHome } from '../kernel/test-support/kernel-deb.js';
import { readTar } from './tar.js';

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function readAll(
  buf: Buffer,
  chunkSize = 4096,
): Promise<{ name: string; type: string; data: string; link: string }[]> {
  const out: { name: string; type: string; data: string; link: string }[] = [];
  for await (const item of readTar(chunks(buf, chunkSize), 't.tar', () => true)) {
    const parts: Buffer[] = [];
    if (item.data) for await (const c of item.data) parts.push(c);
    out.push({
      name: item.member.name,
      type: item.member.type,
      data: Buffer.concat(parts).toString('latin1'),
      link: item.member.linkName,
    });
  }
  return out;
}

async function failure(buf: Buffer): Promise<ToolError> {
  try {
    await readAll(buf);
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected a failure');
}

describe('readTar', () => {
  const dir = tempHome();
  afterAll(() => removeTemp(dir));

  it('reads what GNU tar writes, in gnu and pax formats, long names and links included', async () => {
    const root = path.join(dir, 'src');
    const long = `${'d'.repeat(60)}/${'e'.repeat(70)}/module-with-a-long-name.ko`;
    fs.mkdirSync(path.join(root, path.dirname(long)), { recursive: true });
    fs.writeFileSync(path.join(root, long), 'long');
    fs.writeFileSync(path.join(root, 'small'), 'x'.repeat(1000));
    fs.symlinkSync('/usr/src/linux-headers', path.join(root, 'build'));
    for (const format of ['gnu', 'pax', 'ustar']) {
      const tar = execFileSync('tar', [
        '-C',
        root,
        `--format=${format}`,
        '--sort=name',
        '-cf',
        '-',
        'small',
        'build',
        long,
      ]);
      const items = await readAll(tar, 333);
      expect(items.map((i) => [i.name, i.type, i.type === 'symlink' ? i.link : i.data])).toEqual([
        ['small', 'file', 'x'.repeat(1000)],
        ['build', 'symlink', '/usr/src/linux-headers'],
        [long, 'file', 'long'],
      ]);
    }
  });

  it('returns every member and its bytes, whatever the chunking', async () => {
    const member = fc.record({
      name: fc.stringMatching(/^[a-z0-9._-]{1,20}(\/[a-z0-9._-]{1,20}){0,8}$/),
      data: fc.uint8Array({ maxLength: 1500 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(member, { maxLength: 6 }),
        fc.integer({ min: 1, max: 2000 }),
        async (members, size) => {
          const items = await readAll(ustar(members), size);
          expect(items.map((i) => i.name)).toEqual(members.map((m) => m.name));
          expect(items.map((i) => i.data)).toEqual(
            members.map((m) => Buffer.from(m.data).toString('latin1')),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads on past zero blocks, as concatenated segments need', async () => {
    const both = Buffer.concat([ustar([{ name: 'a', data: 'A' }]), ustar([{ name: 'b', data: 'B' }])]);
    expect((await readAll(both)).map((i) => i.name + i.data)).toEqual(['aA', 'bB']);
  });

  it('skips data nobody asked for and keeps the stream aligned', async () => {
    const tar = ustar([
      { name: 'skip', data: 'S'.repeat(700) },
      { name: 'keep', data: 'K' },
    ]);
    const seen: string[] = [];
    for await (const item of readTar(chunks(tar, 100), 't', (m) => m.name === 'keep')) {
      if (item.data) for await (const c of item.data) seen.push(`${item.member.name}:${c.toString()}`);
      else seen.push(`${item.member.name}:-`);
    }
    expect(seen).toEqual(['skip:-', 'keep:K']);
  });

  it('refuses a bad checksum, a bad size and a truncated stream, with offsets', async () => {
    const tar = ustar([
      { name: 'a', data: 'hello' },
      { name: 'b', data: 'B' },
    ]);
    const badSum = Buffer.from(tar);
    badSum.writeUInt8(badSum.readUInt8(1024) ^ 1, 1024); // a byte of the second header's name
    const e1 = await failure(badSum);
    expect(e1.code).toBe('TAR_BAD_HEADER');
    expect(e1.message).toMatch(/^t\.tar:0x494: tar chksum: expected \d+ \(sum of the header\), got \d+$/);

    const badSize = Buffer.from(tar);
    badSize.write('99999999999x', 124, 'latin1');
    expect((await failure(badSize)).code).toBe('TAR_BAD_HEADER');

    const e3 = await failure(tar.subarray(0, 515));
    expect(e3.code).toBe('TAR_TRUNCATED');
    expect(e3.message).toBe('t.tar:0x0: tar stream ends inside the data of a');
    expect((await failure(tar.subarray(0, 1100))).message).toBe(
      't.tar:0x400: tar stream ends inside a header',
    );
  });
});
