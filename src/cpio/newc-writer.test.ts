import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { NewcWriter } from './newc-writer.js';
import {
  Collector,
  dir,
  file,
  info,
  rawRecord,
  rawTrailer,
  symlink,
  writeAll,
} from './test-support/records.js';
import type { WriteEntry } from './types.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function writeError(entries: WriteEntry[]): Promise<ToolError> {
  try {
    await writeAll(entries);
  } catch (err) {
    expect(err).toBeInstanceOf(ToolError);
    return err as ToolError;
  }
  throw new Error('expected the write to fail');
}

describe('NewcWriter golden bytes', () => {
  it('writes exactly what GNU cpio -o -H newc --reproducible -R 0:0 writes for the same tree', async () => {
    // Tree: d/ (0755), d/f "hello\n", d/l -> /bin/busybox, d/h1 + d/h2 hard links "linked\n", p fifo.
    const root = path.join(tmp, 'golden');
    fs.mkdirSync(path.join(root, 'd'), { recursive: true });
    fs.writeFileSync(path.join(root, 'd/f'), 'hello\n');
    fs.writeFileSync(path.join(root, 'd/h1'), 'linked\n');
    fs.linkSync(path.join(root, 'd/h1'), path.join(root, 'd/h2'));
    fs.symlinkSync('/bin/busybox', path.join(root, 'd/l'));
    execFileSync('mkfifo', [path.join(root, 'p')]);
    for (const p of ['d', 'd/f', 'd/h1', 'p']) fs.chmodSync(path.join(root, p), p === 'd' ? 0o755 : 0o644);
    execFileSync('touch', ['-h', '-d', '@1000', 'd/f', 'd/h1', 'd/l', 'p', 'd'], { cwd: root });
    const gnu = execFileSync('cpio', ['-o', '-H', 'newc', '--reproducible', '-R', '0:0'], {
      cwd: root,
      input: 'd\nd/f\nd/h1\nd/l\nd/h2\np\n',
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    // GNU cpio numbers inodes from 0 in the order it meets names, and writes a hard-link group
    // when its last member is met: the first links with size 0, the data on the last.
    const m = { mtime: 1000 };
    const ours = await writeAll([
      dir('d', { ...m, ino: 0, nlink: 2 }),
      file('d/f', 'hello\n', { ...m, ino: 1 }),
      symlink('d/l', '/bin/busybox', { ...m, ino: 3 }),
      { info: info('d/h1', 'file', { ...m, ino: 2, nlink: 2 }) },
      file('d/h2', 'linked\n', { ...m, ino: 2, nlink: 2 }),
      { info: info('p', 'fifo', { ...m, ino: 4 }) },
    ]);
    expect(ours.toString('latin1')).toBe(gnu.toString('latin1'));
    expect(ours.length % 512).toBe(0);
  });

  it('matches a hand-annotated record layout', async () => {
    const bytes = await writeAll([file('a', 'xyz', { ino: 7, mtime: 0x5f5e100, uid: 1000, gid: 100 })]);
    //          magic  ino      mode     uid      gid      nlink    mtime    filesize devmaj   devmin   rdevmaj  rdevmin  namesize check
    const head =
      '070701' +
      '00000007' +
      '000081A4' +
      '000003E8' +
      '00000064' +
      '00000001' +
      '05F5E100' +
      '00000003' +
      '00000000'.repeat(4) +
      '00000002' +
      '00000000';
    // 110 + "a\0" = 112 (aligned), data "xyz" + 1 pad byte, then the trailer padded to 512.
    expect(bytes.subarray(0, 116).toString('latin1')).toBe(`${head}a\0xyz\0`);
    expect(bytes.subarray(116, 116 + 110 + 11).toString('latin1')).toBe(
      rawTrailer().subarray(0, 121).toString('latin1'),
    );
    expect(bytes.length).toBe(512);
    expect(bytes.subarray(116 + 124).every((b) => b === 0)).toBe(true);
  });

  it('writes rdev only for devices, and the target as a symlink data', async () => {
    const bytes = await writeAll([
      { info: info('dev/console', 'char-device', { perm: 0o600, rdevMajor: 5, rdevMinor: 1 }) },
      { info: info('x', 'fifo', { rdevMajor: 9, rdevMinor: 9 }) },
    ]);
    const expected = Buffer.concat([
      rawRecord({ name: 'dev/console', fields: { mode: 0o20600, rdevmajor: 5, rdevminor: 1 } }),
      rawRecord({ name: 'x', fields: { mode: 0o10644 } }),
    ]);
    expect(bytes.subarray(0, expected.length)).toEqual(expected);
  });
});

describe('NewcWriter determinism and backpressure', () => {
  const entries = (): WriteEntry[] => [
    dir('etc'),
    file('etc/big', Buffer.alloc(300_000, 7)),
    {
      // Large chunks go to the output as they come (small writes are gathered into blocks).
      info: info('etc/stream', 'file'),
      content: {
        size: 6 * 300_000,
        open: async function* () {
          for (let i = 0; i < 6; i++) yield Buffer.alloc(300_000, i);
        },
      },
    },
    {
      info: info('etc/lazy', 'file'),
      content: {
        size: 5,
        open: async function* () {
          yield Buffer.from('ab');
          yield Buffer.from('cde');
        },
      },
    },
    symlink('init', 'sbin/init'),
  ];

  it('gives byte-identical output for the same entries, whatever the output buffering', async () => {
    const a = await writeAll(entries());
    const b = await writeAll(entries(), 1);
    expect(b.equals(a)).toBe(true);
  });

  it('hands its output the same 256 KiB blocks however small it starts (a segment of a few KiB allocates a few KiB)', async () => {
    // 200 files of 3,000 bytes: 3,124 bytes a record, gathered into blocks of at most 256 KiB;
    // a block flushed when the smaller first buffer fills would show as writes of a few KiB.
    const small = Array.from({ length: 200 }, (_, i) =>
      file(`f${String(i).padStart(3, '0')}`, Buffer.alloc(3000, i)),
    );
    const out = new Collector();
    const w = new NewcWriter(out);
    for (const e of small) await w.write(e);
    await w.finish();
    await new Promise<void>((resolve) => out.end(resolve));
    // Each block is as full as the next record's pieces allow: within one record of 256 KiB.
    const record = 110 + 8 + 3000; // header, 'fNNN' and its NUL padded to 4, data
    const blocks = out.parts.slice(0, -1);
    expect(blocks.length).toBe(Math.floor(out.bytes.length / (256 * 1024)));
    for (const block of blocks) {
      expect(block.length).toBeLessThanOrEqual(256 * 1024);
      expect(block.length).toBeGreaterThan(256 * 1024 - record);
    }
    expect(out.bytes.equals(await writeAll(small))).toBe(true);
  });

  it('waits for drain: never writes again while the output asked it to wait', async () => {
    let waiting = false;
    let violations = 0;
    let waits = 0;
    const out = new Writable({
      highWaterMark: 64,
      write(_chunk: Buffer, _e, done) {
        setImmediate(done);
      },
    });
    out.on('drain', () => {
      waiting = false;
    });
    const write = out.write.bind(out);
    out.write = ((chunk: Buffer) => {
      if (waiting) violations++;
      const ok = write(chunk);
      if (!ok) {
        waiting = true;
        waits++;
      }
      return ok;
    }) as typeof out.write;
    const w = new NewcWriter(out);
    for (const e of entries()) await w.write(e);
    await w.finish();
    expect(waits).toBeGreaterThan(3);
    expect(violations).toBe(0);
    expect(w.bytesWritten).toBe((await writeAll(entries())).length);
  });
});

describe('NewcWriter refusals', () => {
  it('refuses a 4 GiB file before opening its content', async () => {
    let opened = false;
    const err = await writeError([
      {
        info: info('huge', 'file', { size: 2 ** 32 }),
        content: {
          size: 2 ** 32,
          open: () => {
            opened = true;
            throw new Error('must not be opened');
          },
        },
      },
    ]);
    expect(err.code).toBe('CPIO_FILE_TOO_LARGE');
    expect(err.message).toBe(
      'archive:0x0: huge: filesize: expected < 4 GiB (newc stores 32 bits), got 4294967296 bytes',
    );
    expect(opened).toBe(false);
  });

  it('refuses a name of 4096 bytes (4097 with its NUL), never truncating it', async () => {
    const err = await writeError([file('a'.repeat(4096), 'x')]);
    expect(err.code).toBe('CPIO_NAME_TOO_LONG');
    expect(err.message).toContain('namesize: expected <= 4096 bytes with the NUL, got 4097');
    await expect(writeAll([file('a'.repeat(4095), 'x')])).resolves.toBeInstanceOf(Buffer);
  });

  it.each(['/etc/x', './etc/x', 'etc//x', 'etc/x/', 'etc/./x'])(
    'refuses the non-normalised name %j',
    async (name) => {
      const err = await writeError([file(name, 'x')]);
      expect(err.code).toBe('PATH_INVALID');
      expect(err.message).toContain(`: name: expected normalised "etc/x", got ${JSON.stringify(name)}`);
    },
  );

  it('refuses ".." parts and the trailer name', async () => {
    expect((await writeError([file('a/../b', 'x')])).code).toBe('PATH_INVALID');
    expect((await writeError([file('TRAILER!!!', 'x')])).code).toBe('PATH_INVALID');
  });

  it('refuses content that grows or shrinks while being read', async () => {
    const lazy = (declared: number, actual: number): WriteEntry => ({
      info: info('f', 'file'),
      content: {
        size: declared,
        open: async function* () {
          yield Buffer.alloc(actual);
        },
      },
    });
    const grew = await writeError([dir('d'), lazy(10, 11)]);
    expect(grew.code).toBe('CPIO_SIZE_MISMATCH');
    expect(grew.message).toBe(
      'archive:0x70: f: content: expected 10 bytes (its declared size), got more than 10 (the file grew while being read)',
    );
    const shrank = await writeError([lazy(10, 9)]);
    expect(shrank.message).toBe(
      'archive:0x0: f: content: expected 10 bytes (its declared size), got 9 (the file shrank while being read)',
    );
  });

  it.each([
    ['uid', { uid: -1 }],
    ['mtime', { mtime: 2 ** 32 }],
    ['ino', { ino: 1.5 }],
    ['perm', { perm: 0o10000 }],
  ])('refuses a bad %s', async (field, extra) => {
    const err = await writeError([file('f', 'x', extra)]);
    expect(err.code).toBe('CPIO_BAD_FIELD');
    expect(err.data.field).toBe(field);
  });

  it('refuses content on a directory and a symlink without target', async () => {
    expect((await writeError([{ info: info('d', 'directory'), content: Buffer.from('x') }])).code).toBe(
      'CPIO_BAD_FIELD',
    );
    expect((await writeError([{ info: info('l', 'symlink') }])).message).toBe(
      'archive:0x0: l: linkTarget: expected a symlink target, got null',
    );
  });

  it('refuses writes after finish, and keeps failing after a refused record', async () => {
    const w = new NewcWriter(new Collector());
    await w.finish();
    await expect(w.write(dir('x'))).rejects.toMatchObject({ code: 'CPIO_FINISHED' });
    const w2 = new NewcWriter(new Collector());
    await expect(w2.write(file('/abs', 'x'))).rejects.toMatchObject({ code: 'PATH_INVALID' });
    await expect(w2.write(dir('ok'))).rejects.toMatchObject({ code: 'PATH_INVALID' });
  });
});
