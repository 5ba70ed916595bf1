/**
 * Attack 12: special files and modes. A device node in an extracted tree is a door to real hardware
 * (`dev/sda` readable by anyone); setuid bits and foreign owners are privilege. None is applied unless
 * asked: devices only as root and `devices !== false`; setuid/setgid only with `preserveSpecialBits`;
 * uid/gid only with `preserveOwners`. Skipped devices are recorded and warned about, never an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExtractWarning, extractRecords } from '../index.js';
import { deviceRecord, dirRecord, fileRecord } from '../test-support/records.js';
import { makeSandbox, type Sandbox } from '../test-support/sandbox.js';

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox();
});
afterEach(() => box.cleanup());

const isRoot = process.getuid?.() === 0;
const specials = () => [
  dirRecord('dev'),
  deviceRecord('dev/console', 'char-device', 5, 1, { perm: 0o600 }),
  deviceRecord('dev/sda', 'block-device', 8, 0, { perm: 0o660 }),
  deviceRecord('dev/initctl', 'fifo', 0, 0, { perm: 0o600 }),
  deviceRecord('dev/log', 'socket', 0, 0, { perm: 0o666 }),
];

describe('special files and modes', () => {
  it('devices: false records device nodes, FIFOs and sockets without creating them', async () => {
    const warnings: ExtractWarning[] = [];
    const result = await extractRecords(specials(), box.root, {
      devices: false,
      onWarning: (w) => warnings.push(w),
    });
    expect(result.devices).toBe(0);
    expect(result.skippedDevices).toEqual([
      { path: 'dev/console', type: 'char-device', major: 5, minor: 1 },
      { path: 'dev/sda', type: 'block-device', major: 8, minor: 0 },
      { path: 'dev/initctl', type: 'fifo', major: 0, minor: 0 },
      { path: 'dev/log', type: 'socket', major: 0, minor: 0 },
    ]);
    expect(warnings.map((w) => `${w.code} ${w.path}`)).toEqual([
      'DEVICE_SKIPPED dev/console',
      'DEVICE_SKIPPED dev/sda',
      'DEVICE_SKIPPED dev/initctl',
      'DEVICE_SKIPPED dev/log',
    ]);
    expect(warnings[0]?.message).toBe('char-device 5:1 not created (needs root and devices !== false)');
    expect(fs.readdirSync(path.join(box.root, 'dev'))).toEqual([]);
    box.assertOutsideUnchanged();
  });

  it.runIf(isRoot)(
    'positive twin: as root, each special file is created with its rdev and mode',
    async () => {
      const result = await extractRecords(specials(), box.root);
      expect(result.devices).toBe(4);
      expect(result.skippedDevices).toEqual([]);
      const console = fs.lstatSync(path.join(box.root, 'dev/console'));
      expect(console.isCharacterDevice()).toBe(true);
      expect(console.rdev).toBe((5 << 8) | 1);
      expect(console.mode & 0o7777).toBe(0o600);
      const sda = fs.lstatSync(path.join(box.root, 'dev/sda'));
      expect(sda.isBlockDevice()).toBe(true);
      expect(sda.rdev).toBe(8 << 8);
      expect(sda.mode & 0o7777).toBe(0o660);
      expect(fs.lstatSync(path.join(box.root, 'dev/initctl')).isFIFO()).toBe(true);
      const log = fs.lstatSync(path.join(box.root, 'dev/log'));
      expect(log.isSocket()).toBe(true);
      expect(log.mode & 0o7777).toBe(0o666);
      // The socket's temporary bind name is gone.
      expect(fs.readdirSync(path.join(box.root, 'dev')).sort()).toEqual(['console', 'initctl', 'log', 'sda']);
      box.assertOutsideUnchanged();
    },
  );

  it.runIf(isRoot)('a device record replaces a planted symlink instead of following it', async () => {
    fs.mkdirSync(path.join(box.root, 'dev'), { recursive: true });
    fs.symlinkSync(box.sentinel, path.join(box.root, 'dev/console'));
    await extractRecords([deviceRecord('dev/console', 'char-device', 5, 1)], box.root);
    expect(fs.lstatSync(path.join(box.root, 'dev/console')).isCharacterDevice()).toBe(true);
    box.assertOutsideUnchanged();
  });

  it('strips setuid/setgid by default but keeps the sticky bit', async () => {
    const records = [
      fileRecord('su', '#!', { perm: 0o4755 }),
      fileRecord('sg', '#!', { perm: 0o2711 }),
      dirRecord('tmp', { perm: 0o1777 }),
    ];
    await extractRecords(records, box.root);
    expect(fs.statSync(path.join(box.root, 'su')).mode & 0o7777).toBe(0o755);
    expect(fs.statSync(path.join(box.root, 'sg')).mode & 0o7777).toBe(0o711);
    expect(fs.statSync(path.join(box.root, 'tmp')).mode & 0o7777).toBe(0o1777);
  });

  it('positive twin: preserveSpecialBits keeps setuid/setgid', async () => {
    await extractRecords(
      [fileRecord('su', '#!', { perm: 0o4755 }), dirRecord('g', { perm: 0o2755 })],
      box.root,
      {
        preserveSpecialBits: true,
      },
    );
    expect(fs.statSync(path.join(box.root, 'su')).mode & 0o7777).toBe(0o4755);
    expect(fs.statSync(path.join(box.root, 'g')).mode & 0o7777).toBe(0o2755);
  });

  it('does not apply uid/gid by default', async () => {
    await extractRecords(
      [fileRecord('f', 'x', { uid: 1234, gid: 4321 }), dirRecord('d', { uid: 1234 })],
      box.root,
    );
    expect(fs.statSync(path.join(box.root, 'f')).uid).toBe(process.getuid?.());
    expect(fs.statSync(path.join(box.root, 'd')).uid).toBe(process.getuid?.());
  });

  it.runIf(isRoot)(
    'positive twin: preserveOwners applies uid/gid (before the mode, keeping setuid)',
    async () => {
      await extractRecords([fileRecord('f', 'x', { uid: 1234, gid: 4321, perm: 0o4750 })], box.root, {
        preserveOwners: true,
        preserveSpecialBits: true,
      });
      const stats = fs.statSync(path.join(box.root, 'f'));
      expect([stats.uid, stats.gid]).toEqual([1234, 4321]);
      expect(stats.mode & 0o7777).toBe(0o4750);
    },
  );
});
