// Parser agreement (style.md "Hostile archives" item 15): what we write, GNU cpio and bsdtar list
// and extract the same way; what they write, we read the same way.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addMissingParents } from './add-missing-parents.js';
import { assignInodes } from './assign-inodes.js';
import { dedupeLastWins } from './dedupe-last-wins.js';
import { makeReproducible } from './make-reproducible.js';
import { sortForArchive } from './sort-for-archive.js';
import { dir, file, info, readAll, symlink, writeAll } from './test-support/records.js';
import { snapshotRecords, snapshotTree } from './test-support/tree.js';
import type { WriteEntry } from './types.js';

const isRoot = process.getuid?.() === 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tree(): WriteEntry[] {
  const entries: WriteEntry[] = [
    file('bin/busybox', Buffer.alloc(70_000, 0x5a), { perm: 0o755 }),
    symlink('bin/sh', 'busybox'),
    symlink('init', '/bin/busybox'),
    file('etc/hosts', '127.0.0.1 localhost\n'),
    file('etc/empty', ''),
    file('etc/with space', 'spaces\n', { perm: 0o600 }),
    file('etc/ünïcødé 中文', 'utf-8\n'),
    file('usr/lib/libx.so.1', 'shared object', { perm: 0o755 }, 'libx'),
    file('usr/lib/libx-link.so.1', 'shared object', { perm: 0o755 }, 'libx'),
    { info: info('run/fifo', 'fifo', { perm: 0o600 }) },
    dir('tmp', { perm: 0o1777 }),
  ];
  if (isRoot)
    entries.push({ info: info('dev/console', 'char-device', { perm: 0o600, rdevMajor: 5, rdevMinor: 1 }) });
  return makeReproducible(assignInodes(sortForArchive(addMissingParents(dedupeLastWins(entries)))), {
    mtime: 1_000_000_000,
  });
}

describe('our archives, read by GNU cpio and bsdtar', async () => {
  const entries = tree();
  const bytes = await writeAll(entries);
  const image = path.join(tmp, 'ours.cpio');
  fs.writeFileSync(image, bytes);
  const ours = snapshotRecords(await readAll(bytes));

  it('list the same names as we wrote (cpio -it, bsdtar -tf)', () => {
    const names = entries.map((e) => e.info.name);
    const cpio = execFileSync('cpio', ['-it', '--quiet', '-F', image]).toString().trimEnd().split('\n');
    const bsdtar = execFileSync('bsdtar', ['-tf', image]).toString().trimEnd().split('\n');
    expect(cpio).toEqual(names);
    expect(bsdtar).toEqual(names);
  });

  it('list the same modes and link targets (cpio -itv, bsdtar -tvf)', () => {
    const modeString = (e: WriteEntry) => {
      const t = {
        file: '-',
        directory: 'd',
        symlink: 'l',
        'char-device': 'c',
        'block-device': 'b',
        fifo: 'p',
        socket: 's',
      }[e.info.type];
      const p = e.info.perm;
      const rwx = (v: number, special: boolean, ch: string) =>
        `${v & 4 ? 'r' : '-'}${v & 2 ? 'w' : '-'}${special ? (v & 1 ? ch : ch.toUpperCase()) : v & 1 ? 'x' : '-'}`;
      return (
        t +
        rwx(p >> 6, (p & 0o4000) !== 0, 's') +
        rwx(p >> 3, (p & 0o2000) !== 0, 's') +
        rwx(p, (p & 0o1000) !== 0, 't')
      );
    };
    for (const [cmd, args] of [
      ['cpio', ['-itv', '--quiet', '-F', image]],
      ['bsdtar', ['-tvf', image]],
    ] as const) {
      const lines = execFileSync(cmd, [...args])
        .toString()
        .trimEnd()
        .split('\n');
      expect(lines).toHaveLength(entries.length);
      entries.forEach((e, i) => {
        const line = lines[i]!;
        expect(line.startsWith(modeString(e)), `${cmd}: ${line}`).toBe(true);
        const shown = e.info.type === 'symlink' ? `${e.info.name} -> ${e.info.linkTarget}` : e.info.name;
        // bsdtar shows the second member of a hard-link group as "name link to first".
        const ok =
          line.endsWith(shown) ||
          (cmd === 'bsdtar' && e.linkGroup !== undefined && line.includes(`${shown} link to `));
        expect(ok, `${cmd}: ${line}`).toBe(true);
      });
    }
  });

  it('extract to the same tree with cpio -idm and bsdtar -xf (types, modes, data, targets, hard links)', () => {
    const viaCpio = fs.mkdtempSync(path.join(tmp, 'cpio-'));
    const viaTar = fs.mkdtempSync(path.join(tmp, 'tar-'));
    execFileSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames', '-F', image], { cwd: viaCpio });
    execFileSync('bsdtar', ['-xpf', image, '-C', viaTar]);
    const a = snapshotTree(viaCpio);
    const b = snapshotTree(viaTar);
    expect(a).toEqual(ours);
    expect(b).toEqual(ours);
    expect(ours['usr/lib/libx.so.1']!.link).toBe('usr/lib/libx-link.so.1');
    expect(fs.statSync(path.join(viaCpio, 'etc/hosts')).mtimeMs).toBe(1_000_000_000_000);
    if (isRoot) expect(a['dev/console']).toEqual({ type: 'char-device', perm: 0o600, rdev: '5:1' });
  });
});

describe('archives by GNU cpio and bsdtar, read by us', () => {
  const root = path.join(tmp, 'src');
  fs.mkdirSync(path.join(root, 'd/sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'd/f'), 'hello\n');
  fs.writeFileSync(path.join(root, 'd/big'), Buffer.alloc(150_000, 0x42));
  fs.writeFileSync(path.join(root, 'd/empty'), '');
  fs.writeFileSync(path.join(root, 'd/ü name'), 'utf8');
  fs.writeFileSync(path.join(root, 'd/h1'), 'hard');
  fs.linkSync(path.join(root, 'd/h1'), path.join(root, 'd/sub/h2'));
  fs.symlinkSync('/abs/target', path.join(root, 'd/abs'));
  fs.symlinkSync('../f', path.join(root, 'd/sub/rel'));
  execFileSync('mkfifo', [path.join(root, 'fifo')]);
  fs.chmodSync(path.join(root, 'd/f'), 0o640);
  if (isRoot) spawnSync('mknod', [path.join(root, 'null'), 'c', '1', '3']);
  const truth = snapshotTree(root);

  it('GNU cpio (find . | cpio -o -H newc)', async () => {
    const bytes = execFileSync('bash', ['-c', 'find . | sort | cpio -o -H newc --quiet'], {
      cwd: root,
      maxBuffer: 1 << 26,
    });
    const records = await readAll(bytes, {}, 4096);
    expect(snapshotRecords(records, './')).toEqual(truth);
    const big = records.find((r) => r.info.name === 'd/big')!;
    expect(big.info.size).toBe(150_000);
    expect(big.info.mtime).toBe(Math.floor(fs.lstatSync(path.join(root, 'd/big')).mtimeMs / 1000));
  });

  it('bsdtar (--format newc)', async () => {
    const bytes = execFileSync('bsdtar', ['--format', 'newc', '-cf', '-', '.'], {
      cwd: root,
      maxBuffer: 1 << 26,
    });
    expect(snapshotRecords(await readAll(bytes, {}, 1000), './')).toEqual(truth);
  });

  it('GNU cpio --format=crc (070702, checksums verified)', async () => {
    const bytes = execFileSync('bash', ['-c', 'find . | sort | cpio -o -H crc --quiet'], {
      cwd: root,
      maxBuffer: 1 << 26,
    });
    expect(bytes.subarray(0, 6).toString()).toBe('070702');
    expect(snapshotRecords(await readAll(bytes), './')).toEqual(truth);
  });
});
