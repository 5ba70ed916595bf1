import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../errors/index.js';
import { encodeName } from '../../util/byte-names.js';
import { extractRecords, writtenSentence } from './index.js';
import { dirRecord, fileRecord, symlinkRecord } from './test-support/records.js';
import { makeSandbox, type Sandbox } from './test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox({ fresh: true });
});
afterEach(() => box.cleanup());

async function caught(run: () => Promise<unknown>): Promise<InputError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an error, got none');
}

describe('a missing DIR is staged beside it and renamed into place', () => {
  it('success: the tree is at DIR with mode 0755, nothing else is left beside it', async () => {
    await extractRecords([dirRecord('etc', { perm: 0o755 }), fileRecord('etc/x', 'x')], box.root);
    expect(fs.readFileSync(path.join(box.root, 'etc/x'), 'utf8')).toBe('x');
    expect(fs.statSync(box.root).mode & 0o777).toBe(0o755);
    expect(fs.readdirSync(box.base).sort()).toEqual(['outside', 'root']);
  });

  it('failure: nothing is left, neither DIR nor the staging directory', async () => {
    const error = await caught(() =>
      extractRecords([dirRecord('etc'), fileRecord('etc/x', 'x'), fileRecord('../escape', 'x')], box.root, {
        source: 'rock.img',
      }),
    );
    expect(error.code).toBe('PATH_ESCAPE');
    expect(error.message).toMatch(/^rock\.img:0x0: "\.\.\/escape": expected a path inside the root/);
    expect(fs.readdirSync(box.base)).toEqual(['outside']);
    box.assertOutsideUnchanged();
  });
});

describe('a failed run into an existing DIR', () => {
  it('applies the modes of what it wrote (no 0700 directory stays) and lists every entry written', async () => {
    fs.mkdirSync(box.root);
    const error = await caught(() =>
      extractRecords(
        [
          dirRecord('a', { perm: 0o755 }),
          dirRecord('a/b', { perm: 0o750 }),
          fileRecord('a/b/f', 'f'),
          fileRecord('../x', 'x'),
        ],
        box.root,
      ),
    );
    expect(error.data.written).toEqual(['a', 'a/b', 'a/b/f']);
    expect(fs.statSync(path.join(box.root, 'a')).mode & 0o7777).toBe(0o755);
    expect(fs.statSync(path.join(box.root, 'a/b')).mode & 0o7777).toBe(0o750);
    expect(writtenSentence('out', error.data.written as string[])).toBe(
      'written into out before it: 3 entries: a, a/b, a/b/f',
    );
  });
});

describe('names are bytes', () => {
  it('creates a non-UTF-8 name and symlink target with their exact bytes', async () => {
    const name = 'caf\udce9';
    await extractRecords([fileRecord(name, 'x'), symlinkRecord('l', name)], box.root);
    const names = fs
      .readdirSync(box.root, { encoding: 'buffer' })
      .map((b) => b.toString('hex'))
      .sort();
    expect(names).toEqual([
      Buffer.from('caf\xe9', 'latin1').toString('hex'),
      Buffer.from('l').toString('hex'),
    ]);
    expect(fs.readlinkSync(path.join(box.root, 'l'), { encoding: 'buffer' })).toEqual(encodeName(name));
    fs.unlinkSync(encodeName(path.join(box.root, name)));
  });
});

describe('depth costs linear work', () => {
  it('800 nested directories and a file in each: at most 4 lstat calls per entry, not one per component', async () => {
    const records = [];
    let name = '';
    for (let i = 0; i < 800; i++) {
      name = name === '' ? 'd' : `${name}/d`;
      records.push(dirRecord(name), fileRecord(`${name}/f`, 'x'));
    }
    let calls = 0;
    const spy = vi.spyOn(fs, 'lstatSync');
    spy.mockImplementation(((...args: Parameters<typeof fs.lstatSync>) => {
      calls++;
      spy.mockRestore();
      const result = fs.lstatSync(...args);
      spy.mockImplementation(counting);
      return result;
    }) as typeof fs.lstatSync);
    const counting = spy.getMockImplementation()!;
    try {
      await extractRecords(records, box.root, { maxDepth: 4096 });
    } finally {
      spy.mockRestore();
    }
    // A walk from the root for every entry would be 800 * 801 = 640,800 calls.
    expect(calls).toBeLessThan(4 * records.length);
    fs.rmSync(box.root, { recursive: true, force: true });
  });
});

describe('filesystem refusals are input errors', () => {
  it.each(['/proc/rock-extract-test/x', '/sys/kernel/rock-extract-test'])(
    '%s: one FS_ERROR line with the path and the errno in words',
    async (dir) => {
      const error = await caught(() => extractRecords([fileRecord('x', 'x')], dir, { source: 'rock.img' }));
      expect(error.code).toBe('FS_ERROR');
      expect(error.message).toMatch(
        /^rock\.img: \/(proc|sys)\/[^:]+: cannot create directory: (operation not permitted|read-only file system|no such file or directory|permission denied)$/,
      );
      expect(error.data.errno).toMatch(/^E[A-Z]+$/);
    },
  );
});
