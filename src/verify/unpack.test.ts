import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRecords, type Spec } from './test-support/good-image.js';
import type { ImageTree } from './types.js';
import { unpackLikeKernel } from './unpack.js';

const dir = (name: string, perm = 0o755, extra: Partial<Spec> = {}): Spec => ({
  name,
  type: 'directory',
  perm,
  ...extra,
});
const file = (name: string, data = '', extra: Partial<Spec> = {}): Spec => ({
  name,
  type: 'file',
  perm: 0o644,
  data,
  ...extra,
});
const link = (name: string, target: string): Spec => ({ name, type: 'symlink', perm: 0o777, target });

async function unpack(specs: Spec[]): Promise<ImageTree> {
  return unpackLikeKernel(buildRecords(specs));
}

const notes = (tree: ImageTree): string[] => tree.notes.map((n) => `${n.kind} ${n.path}`);
const text = (tree: ImageTree, path: string): string | undefined => {
  const node = tree.nodes.get(path);
  return node ? Buffer.from(node.data).toString() : undefined;
};

describe('the built-in initramfs (usr/default_cpio_list)', () => {
  it('exists before the image: /dev, /dev/console c 5:1 0600, /root, with origin segment -1', async () => {
    const tree = await unpack([]);
    expect([...tree.nodes.keys()]).toEqual(['/', '/dev', '/dev/console', '/root']);
    const console = tree.nodes.get('/dev/console');
    expect(console).toMatchObject({
      type: 'char-device',
      rdevMajor: 5,
      rdevMinor: 1,
      perm: 0o600,
      uid: 0,
      gid: 0,
    });
    expect(console?.origin.segment).toBe(-1);
    expect(tree.nodes.get('/root')?.perm).toBe(0o700);
    expect(tree.notes).toEqual([]);
    expect(tree.entries).toBe(0);
    expect(tree.segments).toBe(0);
  });

  it('re-declaring a built-in entry is no duplicate; mknod on /dev/console keeps 5:1 but takes the mode', async () => {
    const tree = await unpack([
      dir('dev'),
      { name: 'dev/console', type: 'char-device', perm: 0o620, rdev: [5, 2] },
    ]);
    expect(tree.nodes.get('/dev/console')).toMatchObject({ rdevMajor: 5, rdevMinor: 1, perm: 0o620 });
    expect(tree.nodes.get('/dev/console')?.origin.segment).toBe(0);
    expect(notes(tree)).toEqual(['kept-existing /dev/console']);
    expect(tree.notes[0]?.info.rdevMinor).toBe(2);
  });
});

describe('names', () => {
  it('x, ./x and /x reach the same file; prefixed names are noted', async () => {
    const tree = await unpack([file('a', '1'), file('./a', '2'), file('/a', '3')]);
    expect(text(tree, '/a')).toBe('3');
    expect(tree.nodes.get('/a')?.rawName).toBe('/a');
    expect(notes(tree)).toEqual(['prefixed-name /a', 'duplicate /a', 'prefixed-name /a', 'duplicate /a']);
  });

  it('.. that would climb out resolves at the root and is noted unsafe', async () => {
    const tree = await unpack([dir('etc'), file('../../etc/x', 'y'), file('etc/../z', 'z')]);
    expect(text(tree, '/etc/x')).toBe('y');
    expect(text(tree, '/z')).toBe('z');
    expect(notes(tree)).toEqual(['unsafe-name /etc/x', 'unsafe-name /z']);
    expect(tree.notes[0]?.detail).toBe('"../../etc/x" climbs above the root; the kernel resolves it at /');
  });

  it('"." as a directory record sets the root mode (init_mkdir EEXIST, then chmod)', async () => {
    const tree = await unpack([dir('.', 0o700)]);
    expect(tree.nodes.get('/')?.perm).toBe(0o700);
  });

  it('a name over PATH_MAX is skipped, one of exactly PATH_MAX-1 bytes is not refused for its length', async () => {
    const long = `${'d/'.repeat(2047)}x`; // 4095 bytes
    expect(Buffer.byteLength(long)).toBe(4095);
    const tree = await unpack([file(`${long}y`), file(long)]);
    expect(notes(tree)).toEqual([`name-too-long /${long}y`, `dropped-no-parent /${long}`]);
  });

  it('a component over NAME_MAX (255) fails with ENAMETOOLONG', async () => {
    const tree = await unpack([file('a'.repeat(256)), file('b'.repeat(255))]);
    expect(notes(tree)).toEqual([`name-too-long /${'a'.repeat(256)}`]);
    expect(tree.nodes.has(`/${'b'.repeat(255)}`)).toBe(true);
  });

  it('TRAILER!!! is not an entry', async () => {
    const tree = await unpack([file('a'), { name: 'TRAILER!!!', type: 'file', perm: 0 }]);
    expect(tree.entries).toBe(1);
    expect(tree.nodes.has('/TRAILER!!!')).toBe(false);
  });
});

describe('parents (the kernel creates none)', () => {
  it('drops a child whose parent is missing at that moment, even if it comes later', async () => {
    const tree = await unpack([file('usr/bin/x'), dir('usr'), dir('usr/bin')]);
    expect(tree.nodes.has('/usr/bin/x')).toBe(false);
    expect(notes(tree)).toEqual(['dropped-no-parent /usr/bin/x']);
    expect(tree.notes[0]?.detail).toBe('no parent directory (ENOENT at /usr)');
  });

  it('drops a child whose parent is a file (ENOTDIR)', async () => {
    const tree = await unpack([file('a'), file('a/b')]);
    expect(tree.notes[0]?.detail).toBe('no parent directory (ENOTDIR at /a)');
  });

  it('follows a symlinked parent: lib -> usr/lib, then lib/x lands in /usr/lib/x', async () => {
    const tree = await unpack([dir('usr'), dir('usr/lib'), link('lib', 'usr/lib'), file('lib/x', 'hi')]);
    expect(text(tree, '/usr/lib/x')).toBe('hi');
    expect(tree.nodes.has('/lib/x')).toBe(false);
    expect(tree.nodes.get('/usr/lib/x')?.rawName).toBe('lib/x');
  });

  it('follows an absolute symlinked parent against the image root', async () => {
    const tree = await unpack([dir('real'), link('l', '/real'), file('l/x')]);
    expect(tree.nodes.has('/real/x')).toBe(true);
  });

  it('a chain of 40 links is followed, 41 is ELOOP', async () => {
    const specs: Spec[] = [dir('d'), link('l1', 'd')];
    for (let i = 2; i <= 41; i++) specs.push(link(`l${i}`, `l${i - 1}`));
    specs.push(file('l40/ok'), file('l41/no'));
    const tree = await unpack(specs);
    expect(tree.nodes.has('/d/ok')).toBe(true);
    expect(notes(tree)).toEqual(['dropped-no-parent /l41/no']);
    expect(tree.notes[0]?.detail).toBe('no parent directory (ELOOP at /l1)');
  });

  it('a parent symlink loop drops the child', async () => {
    const tree = await unpack([link('a', 'b'), link('b', 'a'), file('a/x')]);
    expect(tree.notes[0]?.detail).toMatch(/^no parent directory \(ELOOP at \/[ab]\)$/);
  });

  it('a final symlink is not followed: a file record replaces the link itself', async () => {
    const tree = await unpack([dir('d'), file('d/f', 'keep'), link('l', 'd/f'), file('l', 'new')]);
    expect(text(tree, '/d/f')).toBe('keep');
    expect(tree.nodes.get('/l')?.type).toBe('file');
    expect(notes(tree)).toEqual(['duplicate /l', 'type-replaced /l']);
  });
});

describe('last one wins (clean_path)', () => {
  it('a file replaces a file: content, mode and owner of the last', async () => {
    const tree = await unpack([file('a', 'first'), file('a', 'second', { perm: 0o600, uid: 7 })]);
    expect(tree.nodes.get('/a')).toMatchObject({ perm: 0o600, uid: 7, size: 6 });
    expect(text(tree, '/a')).toBe('second');
  });

  it('an empty directory is removed for a file; a non-empty one stays and the file is lost', async () => {
    const tree = await unpack([dir('e'), file('e'), dir('full'), file('full/x'), file('full', 'lost')]);
    expect(tree.nodes.get('/e')?.type).toBe('file');
    expect(tree.nodes.get('/full')?.type).toBe('directory');
    expect(notes(tree)).toEqual([
      'duplicate /e',
      'type-replaced /e',
      'duplicate /full',
      'kept-existing /full',
    ]);
  });

  it('a directory record over an existing directory keeps its children and takes mode and owner', async () => {
    const tree = await unpack([dir('d', 0o755), file('d/x'), dir('d', 0o700, { uid: 5, gid: 6 })]);
    expect(tree.nodes.get('/d')).toMatchObject({ type: 'directory', perm: 0o700, uid: 5, gid: 6 });
    expect(tree.nodes.has('/d/x')).toBe(true);
    expect(notes(tree)).toEqual(['duplicate /d']);
  });

  it('a directory record replaces a file and a symlink', async () => {
    const tree = await unpack([file('a'), dir('a'), link('b', 'a'), dir('b')]);
    expect(tree.nodes.get('/a')?.type).toBe('directory');
    expect(tree.nodes.get('/b')?.type).toBe('directory');
  });

  it('a symlink replaces anything but a non-empty directory', async () => {
    const tree = await unpack([file('a'), link('a', 't'), dir('d'), file('d/x'), link('d', 't')]);
    expect(tree.nodes.get('/a')).toMatchObject({ type: 'symlink', linkTarget: 't', perm: 0o777 });
    expect(tree.nodes.get('/d')?.type).toBe('directory');
  });

  it('a non-file record with a body is skipped whole (do_header)', async () => {
    const tree = await unpack([dir('d', 0o755, { size: 8 })]);
    expect(tree.nodes.has('/d')).toBe(false);
    expect(notes(tree)).toEqual(['ignored-body /d']);
  });

  it('a symlink target over PATH_MAX is skipped whole; one of exactly PATH_MAX bytes removes the old entry and fails', async () => {
    const tree = await unpack([
      file('a', 'kept'),
      link('a', 'x'.repeat(4097)),
      file('b', 'gone'),
      link('b', 'x'.repeat(4096)),
    ]);
    expect(text(tree, '/a')).toBe('kept');
    expect(tree.nodes.has('/b')).toBe(false);
    expect(notes(tree)).toEqual(['name-too-long /a', 'duplicate /b', 'type-replaced /b', 'name-too-long /b']);
  });
});

describe('hard links (maybe_link)', () => {
  const hl = (name: string, data = '', extra: Partial<Spec> = {}): Spec =>
    file(name, data, { ino: 42, nlink: 2, ...extra });

  it('data on the last link fills the file under both names', async () => {
    const tree = await unpack([hl('a'), hl('b', 'data')]);
    expect(text(tree, '/a')).toBe('data');
    expect(text(tree, '/b')).toBe('data');
    expect(tree.nodes.get('/a')?.inode).toBe(tree.nodes.get('/b')?.inode);
    expect(notes(tree)).toEqual(['hardlink /b']);
  });

  it('data on the first link stays when later links have no body', async () => {
    const tree = await unpack([hl('a', 'data'), hl('b'), hl('c')]);
    expect([text(tree, '/a'), text(tree, '/b'), text(tree, '/c')]).toEqual(['data', 'data', 'data']);
  });

  it('the mode of the last link applies to the shared inode', async () => {
    const tree = await unpack([hl('a', 'x'), hl('b', '', { perm: 0o755 })]);
    expect(tree.nodes.get('/a')?.perm).toBe(0o755);
  });

  it('a later plain file record on a linked name truncates the shared file (O_TRUNC)', async () => {
    expect(text(await unpack([hl('a', 'data'), hl('b'), file('b', 'new')]), '/a')).toBe('new');
    expect(text(await unpack([hl('a', 'data'), hl('b'), file('b', '')]), '/a')).toBe('');
  });

  it('an empty file record over a file empties it', async () => {
    expect(text(await unpack([file('a', 'data'), file('a', '')]), '/a')).toBe('');
  });

  it('the table resets at TRAILER!!! and at each new segment', async () => {
    const trailer: Spec = { name: 'TRAILER!!!', type: 'file', perm: 0 };
    const tree = await unpack([hl('a', 'one'), trailer, hl('b', 'two'), hl('c', 'three', { segment: 1 })]);
    expect([text(tree, '/a'), text(tree, '/b'), text(tree, '/c')]).toEqual(['one', 'two', 'three']);
    expect(
      new Set([tree.nodes.get('/a')?.inode, tree.nodes.get('/b')?.inode, tree.nodes.get('/c')?.inode]).size,
    ).toBe(3);
    expect(tree.segments).toBe(2);
  });

  it('the key includes the file type and the device: no link across them', async () => {
    const tree = await unpack([
      hl('a', 'file'),
      { name: 'n', type: 'fifo', perm: 0o644, ino: 42, nlink: 2 },
      hl('c', 'other', { devMajor: 8 }),
    ]);
    expect(tree.nodes.get('/n')?.type).toBe('fifo');
    expect(text(tree, '/a')).toBe('file');
    expect(text(tree, '/c')).toBe('other');
  });

  it('nlink 1 records with equal inode numbers are never linked', async () => {
    const tree = await unpack([file('a', 'x', { ino: 9 }), file('b', 'y', { ino: 9 })]);
    expect([text(tree, '/a'), text(tree, '/b')]).toEqual(['x', 'y']);
  });

  it('a link whose first path is gone fails; the record is dropped', async () => {
    const tree = await unpack([hl('missing/a'), hl('b', 'data')]);
    expect(tree.nodes.has('/b')).toBe(false);
    expect(notes(tree)).toEqual(['dropped-no-parent /missing/a', 'link-failed /b']);
  });

  it('device hard links share the node', async () => {
    const node = (name: string): Spec => ({
      name,
      type: 'char-device',
      perm: 0o666,
      rdev: [1, 3],
      ino: 5,
      nlink: 2,
    });
    const tree = await unpack([node('n1'), node('n2')]);
    expect(tree.nodes.get('/n1')?.inode).toBe(tree.nodes.get('/n2')?.inode);
  });
});

describe('properties', () => {
  it('every node path is absolute, normalised, and its parent is a directory in the tree', async () => {
    const comp = fc.constantFrom('a', 'b', 'c', '.', '..', '');
    const name = fc.array(comp, { minLength: 1, maxLength: 4 }).map((c) => c.join('/'));
    const spec = fc.record({
      name: fc.tuple(fc.constantFrom('', './', '/'), name).map(([p, n]) => p + n),
      kind: fc.constantFrom<'file' | 'dir' | 'link'>('file', 'dir', 'link'),
      target: fc.constantFrom('a', '/b', '../c', 'a/b', '.'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 25 }), async (specs) => {
        const tree = await unpack(
          specs.map((s) =>
            s.kind === 'file' ? file(s.name, 'x') : s.kind === 'dir' ? dir(s.name) : link(s.name, s.target),
          ),
        );
        for (const [path, node] of tree.nodes) {
          expect(node.path).toBe(path);
          if (path === '/') continue;
          expect(path).toMatch(/^(\/[^/]+)+$/);
          expect(path.split('/')).not.toContain('..');
          expect(path.split('/')).not.toContain('.');
          const parent = path.slice(0, path.lastIndexOf('/')) || '/';
          expect(tree.nodes.get(parent)?.type).toBe('directory');
        }
      }),
    );
  });
});

describe('agreement with a real kernel', () => {
  // Measured: this archive (with /bin/busybox and a reporting /init added) booted on Debian's
  // 6.1.0-56-cloud-amd64 under QEMU 7.2 TCG; the guest printed exactly what each line expects.
  it('matches the tree Linux 6.1 built from the same records', async () => {
    const tree = await unpack([
      dir('dev'),
      { name: 'dev/console', type: 'char-device', perm: 0o600, rdev: [5, 2] },
      file('hl_a', '', { ino: 5000, nlink: 2 }),
      file('hl_b', 'data-on-last', { ino: 5000, nlink: 2 }),
      dir('full'),
      file('full/x', 'x'),
      file('full', 'lost'),
      dir('usr'),
      dir('usr/lib'),
      link('lib', 'usr/lib'),
      file('lib/x', 'via-symlink'),
      file('p/x', 'dropped'),
      dir('p'),
      file('dupe', 'file', { perm: 0o755 }),
      dir('dupe', 0o700),
      link('sl', 'nowhere'),
      file('sl', 'file-now', { perm: 0o600 }),
      dir('rd'),
      file('rd/c', 'c'),
      dir('rd', 0o700),
      file('../../esc', 'esc'),
      file('./pref', 'pref'),
    ]);
    const n = (p: string) => tree.nodes.get(p);
    expect(
      `${n('/dev/console')?.rdevMajor}:${n('/dev/console')?.rdevMinor} ${n('/dev/console')?.perm.toString(8)}`,
    ).toBe('5:1 600');
    expect(text(tree, '/hl_a')).toBe('data-on-last');
    expect(n('/full')?.type).toBe('directory');
    expect(text(tree, '/usr/lib/x')).toBe('via-symlink');
    expect(n('/p')?.type).toBe('directory');
    expect(n('/p/x')).toBeUndefined();
    expect(`${n('/dupe')?.type} ${n('/dupe')?.perm.toString(8)}`).toBe('directory 700');
    expect(`${n('/sl')?.type} ${text(tree, '/sl')}`).toBe('file file-now');
    expect(`${n('/rd')?.perm.toString(8)} ${n('/rd/c')?.type}`).toBe('700 file');
    expect(text(tree, '/esc')).toBe('esc');
    expect(text(tree, '/pref')).toBe('pref');
    expect(n('/')?.perm.toString(8)).toBe('1777');
  });
});
