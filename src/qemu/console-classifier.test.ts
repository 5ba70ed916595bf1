import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConsoleWatcher, classifyConsole } from './console-classifier.js';

// Excerpts of real serial consoles: Debian's 6.1.0-56-cloud-amd64 in QEMU 7.2 (TCG), booting
// initramfs images of the C fixtures (see test-data/README.md).
const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-data');
const log = (name: string): string[] =>
  fs.readFileSync(path.join(dataDir, name), 'utf8').split('\n').slice(0, -1);

const EXPECT = [
  'ROCK-INIT: started pid=1',
  'ROCK-MANAGER: started',
  'VOLCANO-AGENT: started',
  'ROCK-INIT: all services started',
];

describe('classifyConsole on real consoles', () => {
  it('passes a good boot and points each expectation at its line', () => {
    const lines = log('good-boot.log');
    const v = classifyConsole(lines, EXPECT);
    expect(v.status).toBe('passed');
    expect(v.reason).toBe('all 4 expectations seen in order');
    expect(v.panicLine).toBeUndefined();
    const at = v.markers.map((m) => m.line);
    expect(at.map((i) => (i === null ? null : lines[i]))).toEqual([
      'ROCK-INIT: started pid=1',
      'ROCK-MANAGER: started pid=78',
      'VOLCANO-AGENT: started pid=79',
      'ROCK-INIT: all services started',
    ]);
    expect(v.decidedAt).toBe(at[3]);
  });

  it('passes a good boot with no expectations (the VM ended cleanly)', () => {
    const v = classifyConsole(log('good-boot.log'), []);
    expect(v.status).toBe('passed');
    expect(v.decidedAt).toBeNull();
    expect(v.markers).toEqual([]);
  });

  it('reports the VFS panic of an initramfs without an rdinit program', () => {
    const v = classifyConsole(log('panic-vfs.log'), EXPECT);
    expect(v.status).toBe('panic');
    expect(v.panicLine).toMatch(
      /^\[\s+\d+\.\d+\] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block\(0,0\)$/,
    );
    expect(v.reason).toBe(
      'kernel panic: VFS: Unable to mount root fs on unknown-block(0,0): the kernel found no rdinit program ' +
        'in the initramfs (default /init, or rdinit=) and fell back to mounting a root device',
    );
    expect(v.markers.every((m) => m.line === null)).toBe(true);
  });

  it('never passes an image whose unpacking failed, even when init ran and everything was seen', () => {
    const lines = log('unpack-failed.log');
    const v = classifyConsole(lines, EXPECT);
    expect(v.status).toBe('unpack-failed');
    expect(v.reason).toBe(
      'Initramfs unpacking failed: read error; the kernel went on with a partial rootfs: all expectations were still seen',
    );
    expect(v.markers.every((m) => m.line !== null)).toBe(true);
    expect(lines[v.decidedAt!]).toMatch(/Initramfs unpacking failed: read error$/);
  });

  it('reports an init that cannot be executed (dynamically linked, no loader in the image)', () => {
    const lines = log('init-exec-failed.log');
    const v = classifyConsole(lines, EXPECT);
    expect(v.status).toBe('init-failed');
    expect(v.reason).toBe(
      'init failed: Failed to execute /sbin/init (error -2) (ENOENT: the file or its ELF interpreter is missing; ' +
        'a dynamically linked init?)',
    );
    // The first match decides; the panic that follows is still reported.
    expect(lines[v.decidedAt!]).toMatch(/Failed to execute \/sbin\/init \(error -2\)$/);
    expect(v.panicLine).toMatch(
      /Kernel panic - not syncing: Requested init \/sbin\/init failed \(error -2\)\.$/,
    );
  });

  it('reports a PID 1 that exits as init-failed, not as a plain panic', () => {
    const v = classifyConsole(log('init-exited.log'), EXPECT);
    expect(v.status).toBe('init-failed');
    expect(v.reason).toBe('init failed: PID 1 exited (Attempted to kill init! exitcode=0x00000000)');
    expect(v.markers.map((m) => m.line === null)).toEqual([true, true, true, true]);
  });

  it('reports the first expectation the console ended without', () => {
    const lines = log('good-boot.log').filter((l) => !l.includes('VOLCANO-AGENT'));
    const v = classifyConsole(lines, EXPECT);
    expect(v.status).toBe('expectation-missing');
    expect(v.reason).toBe('the console ended without "VOLCANO-AGENT: started" (2 of 4 expectations seen)');
    expect(v.markers.map((m) => m.line !== null)).toEqual([true, true, false, false]);
  });

  it('matches expectations in order only', () => {
    const v = classifyConsole(log('good-boot.log'), ['VOLCANO-AGENT: started', 'ROCK-MANAGER: started']);
    expect(v.status).toBe('expectation-missing');
    expect(v.markers[0]!.line).not.toBeNull();
    expect(v.markers[1]!.line).toBeNull();
  });
});

describe('ConsoleWatcher', () => {
  it('stays pending until a line decides, and keeps the first decision', () => {
    const w = new ConsoleWatcher(['ROCK-INIT: started']);
    expect(w.push('[    1.39] Run /sbin/init as init process')).toBe('pending');
    expect(w.progress()).toBe(
      'waiting for "ROCK-INIT: started" (0 of 1 seen); last console line "[    1.39] Run /sbin/init as init process"',
    );
    expect(w.push('ROCK-INIT: started pid=1')).toBe('passed');
    expect(w.push('[    1.40] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100')).toBe(
      'passed',
    );
    expect(w.finish().panicLine).toBe(
      '[    1.40] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100',
    );
  });

  it('lets an unpack failure override an earlier pass', () => {
    const w = new ConsoleWatcher(['a']);
    expect(w.push('a')).toBe('passed');
    expect(
      w.push('[    0.85] Initramfs unpacking failed: invalid magic at start of compressed archive'),
    ).toBe('unpack-failed');
    expect(w.finish().reason).toBe(
      'Initramfs unpacking failed: invalid magic at start of compressed archive',
    );
  });

  it('reports a panic other than VFS with its cause', () => {
    const v = classifyConsole(
      ['[ 2.0] Kernel panic - not syncing: Out of memory and no killable processes...'],
      [],
    );
    expect(v.status).toBe('panic');
    expect(v.reason).toBe('kernel panic: Out of memory and no killable processes...');
  });
});
