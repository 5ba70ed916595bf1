import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTar } from './tar.js';
import { type TarFileMember, ustarHeader, writeTar } from './tar-writer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function* bytes(b: Buffer): AsyncIterable<Uint8Array> {
  yield b;
}
function member(name: string, content: Buffer, mode = 0o644): TarFileMember {
  return { name, mode, size: content.length, data: () => bytes(content) };
}
async function collect(members: TarFileMember[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of writeTar(members)) out.push(chunk);
  return Buffer.concat(out);
}

describe('writeTar', () => {
  const long = `${'d'.repeat(120)}/${'f'.repeat(90)}`;
  const members = (): TarFileMember[] => [
    member('a.txt', Buffer.from('hello\n')),
    member('dir/empty', Buffer.alloc(0), 0o600),
    member('big', Buffer.alloc(1000, 7), 0o755),
    member(long, Buffer.from('long name')),
  ];

  it('writes ustar that GNU tar and bsdtar list and extract byte for byte', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-writer-'));
    dirs.push(dir);
    const archive = await collect(members());
    expect(archive.length % 512).toBe(0);
    fs.writeFileSync(path.join(dir, 'x.tar'), archive);
    const gnu = execFileSync('tar', ['--numeric-owner', '-tvf', 'x.tar'], { cwd: dir, encoding: 'utf8' });
    expect(gnu.split('\n').filter(Boolean)).toEqual([
      '-rw-r--r-- 0/0               6 1970-01-01 00:00 a.txt',
      '-rw------- 0/0               0 1970-01-01 00:00 dir/empty',
      '-rwxr-xr-x 0/0            1000 1970-01-01 00:00 big',
      `-rw-r--r-- 0/0               9 1970-01-01 00:00 ${long}`,
    ]);
    fs.mkdirSync(path.join(dir, 'out'));
    execFileSync('bsdtar', ['-xf', '../x.tar'], { cwd: path.join(dir, 'out') });
    expect(fs.readFileSync(path.join(dir, 'out/big'))).toEqual(Buffer.alloc(1000, 7));
    expect(fs.readFileSync(path.join(dir, 'out', long), 'utf8')).toBe('long name');
  });

  it('is deterministic and reads back with our reader', async () => {
    const a = await collect(members());
    expect(await collect(members())).toEqual(a);
    const names: string[] = [];
    for await (const item of readTar(bytes(a), 'x.tar', () => true)) {
      names.push(`${item.member.name}:${item.member.size}:${item.member.mode.toString(8)}`);
      for await (const _ of item.data!) {
        // drain
      }
    }
    expect(names).toEqual(['a.txt:6:644', 'dir/empty:0:600', 'big:1000:755', `${long}:9:644`]);
  });

  it('refuses a name that does not fit and a source whose size changed', async () => {
    expect(() => ustarHeader({ name: 'x'.repeat(101), mode: 0o644, size: 0 })).toThrow(
      /name: expected at most 100/,
    );
    const liar: TarFileMember = { name: 'f', mode: 0o644, size: 10, data: () => bytes(Buffer.from('short')) };
    await expect(collect([liar])).rejects.toMatchObject({ code: 'TAR_SIZE_CHANGED' });
  });
});
