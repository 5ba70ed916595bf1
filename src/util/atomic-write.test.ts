import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAtomicWriteStream, writeFileAtomic, writeFilesAtomic } from './atomic-write.js';
import { liveTemps } from './live-temp-files.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const listing = () => fs.readdirSync(dir).sort();

describe('writeFileAtomic', () => {
  it('writes a new file with the exact mode and leaves no temporary file', async () => {
    const target = path.join(dir, 'out.bin');
    await writeFileAtomic(target, new Uint8Array([0, 1, 2, 255]), { mode: 0o640 });
    expect([...fs.readFileSync(target)]).toEqual([0, 1, 2, 255]);
    expect(fs.statSync(target).mode & 0o777).toBe(0o640);
    expect(listing()).toEqual(['out.bin']);
  });

  it('replaces an existing file (a new inode: readers of the old one keep the old bytes)', async () => {
    const target = path.join(dir, 'config.json');
    fs.writeFileSync(target, 'old');
    const before = fs.statSync(target).ino;
    await writeFileAtomic(target, '{"new":true}');
    expect(fs.readFileSync(target, 'utf8')).toBe('{"new":true}');
    expect(fs.statSync(target).ino).not.toBe(before);
  });

  it('replaces a symlink at the target instead of writing through it', async () => {
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'keep');
    const target = path.join(dir, 'link');
    fs.symlinkSync(victim, target);
    await writeFileAtomic(target, 'new');
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
    expect(fs.lstatSync(target).isFile()).toBe(true);
  });

  it('on failure keeps the existing target and removes the temporary file', async () => {
    const target = path.join(dir, 'busy');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toMatchObject({
      code: 'OUTPUT_IS_DIRECTORY',
      exitCode: 2,
    });
    expect(listing()).toEqual(['busy']);
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('x');
  });

  it('fails at once in a missing directory, creating nothing', async () => {
    await expect(writeFileAtomic(path.join(dir, 'no/such/file'), 'x')).rejects.toMatchObject({
      code: 'OUTPUT_NOT_WRITABLE',
      message: `${path.join(dir, 'no/such/file')}: cannot write: no directory ${path.join(dir, 'no/such')}`,
      data: { errno: 'ENOENT' },
    });
    expect(listing()).toEqual([]);
  });
});

describe('createAtomicWriteStream', () => {
  it('writes to a hidden temporary file beside the target, visible only after commit', async () => {
    const target = path.join(dir, 'image.cpio');
    fs.writeFileSync(target, 'old');
    const out = createAtomicWriteStream(target, { mode: 0o600 });
    expect(path.dirname(out.tempPath)).toBe(dir);
    expect(path.basename(out.tempPath)).toMatch(
      new RegExp(`^\\.image\\.cpio\\.tmp-${process.pid}-[0-9a-f]+$`),
    );
    out.stream.write('new ');
    out.stream.write(Buffer.from('bytes'));
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    await out.commit();
    expect(fs.readFileSync(target, 'utf8')).toBe('new bytes');
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(listing()).toEqual(['image.cpio']);
  });

  it('commits a stream the writer already ended', async () => {
    const target = path.join(dir, 'ended');
    const out = createAtomicWriteStream(target);
    await new Promise<void>((resolve) => out.stream.end('done', () => resolve()));
    await out.commit();
    expect(fs.readFileSync(target, 'utf8')).toBe('done');
  });

  it('abort removes the temporary file and keeps the old target', async () => {
    const target = path.join(dir, 'keep');
    fs.writeFileSync(target, 'good');
    const out = createAtomicWriteStream(target);
    out.stream.write('partial');
    await out.abort();
    expect(fs.readFileSync(target, 'utf8')).toBe('good');
    expect(listing()).toEqual(['keep']);
    await expect(out.commit()).rejects.toThrow('atomic write already committed or aborted');
    expect(fs.readFileSync(target, 'utf8')).toBe('good');
  });

  it('a stream error makes commit reject, removes the temporary file, keeps the old target', async () => {
    const target = path.join(dir, 'keep');
    fs.writeFileSync(target, 'good');
    const out = createAtomicWriteStream(target);
    out.stream.write('partial');
    out.stream.destroy(new Error('upstream failed'));
    await expect(out.commit()).rejects.toThrow('upstream failed');
    expect(fs.readFileSync(target, 'utf8')).toBe('good');
    expect(listing()).toEqual(['keep']);
  });

  it('a failing rename rejects commit and leaves no temporary file', async () => {
    const target = path.join(dir, 'dir');
    const out = createAtomicWriteStream(target);
    // The target turns into a non-empty directory while the image is being written.
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'x'), '');
    out.stream.write('data');
    await expect(out.commit()).rejects.toMatchObject({
      code: 'OUTPUT_NOT_WRITABLE',
      exitCode: 2,
      data: { errno: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) },
    });
    expect(listing()).toEqual(['dir']);
  });

  it('refuses a target that is a directory before writing anything', () => {
    const target = path.join(dir, 'adir');
    fs.mkdirSync(target);
    expect(() => createAtomicWriteStream(target)).toThrow(
      expect.objectContaining({
        code: 'OUTPUT_IS_DIRECTORY',
        message: `${target}: output: expected a file path, found a directory`,
      }),
    );
    expect(listing()).toEqual(['adir']);
  });
});

describe('writeFilesAtomic', () => {
  it('writes every file with its exact mode, replacing what was there, and leaves no temporary file', async () => {
    fs.writeFileSync(path.join(dir, 'a.img'), 'old');
    const before = fs.statSync(path.join(dir, 'a.img')).ino;
    await writeFilesAtomic([
      { target: path.join(dir, 'a.img'), data: new Uint8Array([1, 2, 3]), mode: 0o644 },
      { target: path.join(dir, 'a.CONFIG_KEY'), data: 'secret\n', mode: 0o600 },
      { target: path.join(dir, 'b.img'), data: '' },
    ]);
    expect([...fs.readFileSync(path.join(dir, 'a.img'))]).toEqual([1, 2, 3]);
    expect(fs.statSync(path.join(dir, 'a.img')).ino).not.toBe(before);
    expect(fs.statSync(path.join(dir, 'a.img')).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(path.join(dir, 'a.CONFIG_KEY'), 'utf8')).toBe('secret\n');
    expect(fs.statSync(path.join(dir, 'a.CONFIG_KEY')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, 'b.img'), 'utf8')).toBe('');
    expect(listing()).toEqual(['a.CONFIG_KEY', 'a.img', 'b.img']);
    expect(liveTemps()).toEqual([]);
  });

  it('renames nothing when one file cannot be written, and removes every temporary file', async () => {
    fs.writeFileSync(path.join(dir, 'keep.img'), 'good');
    fs.mkdirSync(path.join(dir, 'busy'));
    const writing = writeFilesAtomic([
      { target: path.join(dir, 'keep.img'), data: 'new' },
      { target: path.join(dir, 'busy'), data: 'x' },
      { target: path.join(dir, 'no/such/file'), data: 'x' },
    ]);
    await expect(writing).rejects.toMatchObject({ code: 'OUTPUT_IS_DIRECTORY', exitCode: 2 });
    expect(fs.readFileSync(path.join(dir, 'keep.img'), 'utf8')).toBe('good');
    expect(listing()).toEqual(['busy', 'keep.img']);
    expect(liveTemps()).toEqual([]);
  });
});
