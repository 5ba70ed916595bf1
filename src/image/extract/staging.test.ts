import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CpioRecord } from '../../cpio/index.js';
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

/** Path-taking fs calls the extractor makes, counted through spies that call the real functions. */
const PATH_CALLS = [
  'lstatSync',
  'statSync',
  'openSync',
  'mkdirSync',
  'rmdirSync',
  'unlinkSync',
  'symlinkSync',
  'linkSync',
  'chmodSync',
  'lchownSync',
  'lutimesSync',
  'readdirSync',
  'renameSync',
] as const;

/** Components of a path argument (`/proc/self/fd/7/d` has 5; a full path one per level). */
function components(arg: unknown): number {
  const text = Buffer.isBuffer(arg) ? arg.toString('latin1') : typeof arg === 'string' ? arg : '';
  return text.split('/').filter((part) => part !== '').length;
}

/** Extracts `depth` nested directories with a file in each; counts fs calls and the components their paths name. */
async function countedDeepExtract(
  depth: number,
  dir: string,
): Promise<{ entries: number; calls: number; components: number }> {
  const records = [];
  let name = '';
  for (let i = 0; i < depth; i++) {
    name = name === '' ? 'd' : `${name}/d`;
    records.push(dirRecord(name), fileRecord(`${name}/f`, 'x'));
  }
  const spies = PATH_CALLS.map((method) => vi.spyOn(fs, method));
  try {
    await extractRecords(records, dir, { maxDepth: 4096 });
    let calls = 0;
    let total = 0;
    for (const spy of spies) {
      for (const args of spy.mock.calls as unknown[][]) {
        calls++;
        total +=
          components(args[0]) + (spy === spies[PATH_CALLS.indexOf('linkSync')] ? components(args[1]) : 0);
      }
    }
    return { entries: records.length, calls, components: total };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('depth costs linear work', () => {
  it('400 nested directories and a file in each: a bounded number of fs calls per entry, each naming a bounded number of components', async () => {
    const { entries, calls, components: named } = await countedDeepExtract(400, box.root);
    expect(fs.readFileSync(path.join(box.root, `${'d/'.repeat(400)}f`), 'utf8')).toBe('x');
    // A walk from the root per entry would be 400 * 401 = 160,400 lstat calls; full paths name
    // ~200 components per call on average (~1,200 per entry). Through descriptors: about 6 calls
    // of 5 components each.
    expect(calls).toBeLessThanOrEqual(10 * entries);
    expect(named).toBeLessThanOrEqual(60 * entries);
  });

  it('the work per entry does not grow with the depth (200 vs 800 levels)', async () => {
    const shallow = await countedDeepExtract(200, path.join(box.base, 'shallow'));
    const deep = await countedDeepExtract(800, box.root);
    const perEntry = (run: { entries: number; components: number }) => run.components / run.entries;
    // Linear: the same per entry (a few calls differ); quadratic would be 4 times as much.
    expect(perEntry(deep)).toBeLessThan(1.2 * perEntry(shallow));
  });
});

describe('a failed run at any depth', () => {
  it('1,900 nested 0500 directories, then a refused entry: the staged tree is removed, nothing is left', async () => {
    const records: CpioRecord[] = [];
    let name = '';
    for (let i = 0; i < 1900; i++) {
      name = name === '' ? 'd' : `${name}/d`;
      records.push(dirRecord(name, { perm: 0o500 }));
    }
    records.push(fileRecord(`${name}/f`, 'x'), fileRecord('../escape', 'x'));
    const error = await caught(() => extractRecords(records, box.root, { source: 'rock.img' }));
    expect(error.code).toBe('PATH_ESCAPE');
    expect(error.data.left).toBeUndefined();
    expect(fs.readdirSync(box.base)).toEqual(['outside']);
    box.assertOutsideUnchanged();
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
