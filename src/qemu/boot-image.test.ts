import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { bootImage } from './boot-image.js';
import { kvmUsable } from './kvm.js';
import { layoutTestRoot, packWithGnuCpio } from './test-support/gnu-cpio-image.js';
import { testKernelPath } from './test-support/test-kernel.js';

// REAL boots: Debian's cloud kernel in QEMU, with initramfs images of the C fixtures packed by GNU
// cpio. Each takes ~2 s under TCG; the file runs them one after another.

const EXPECT = [
  'ROCK-INIT: started pid=1',
  'ROCK-MANAGER: started',
  'VOLCANO-AGENT: started',
  'ROCK-INIT: all services started',
];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ESRCH');
    return false;
  }
}

/** Process ids whose command line mentions `needle` (our QEMUs carry the unique image path). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

describe('bootImage (real QEMU boots)', () => {
  let tmp: string;
  let kernel: string;
  let good: string;
  let corrupt: string;

  beforeAll(async () => {
    kernel = testKernelPath();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
    const root = path.join(tmp, 'root');
    await layoutTestRoot(root);
    good = packWithGnuCpio(root, path.join(tmp, 'good.img'));
    const bytes = fs.readFileSync(good);
    corrupt = path.join(tmp, 'corrupt.img');
    // gzip stream cut in the middle: the kernel reports it and goes on with what it unpacked.
    fs.writeFileSync(corrupt, bytes.subarray(0, Math.floor(bytes.length / 2)));
  });

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('passes the good image with rdinit=/sbin/init and times every expectation', async () => {
    const sigintBefore = process.listenerCount('SIGINT');
    const seen: { line: string; ms: number }[] = [];
    const logFile = path.join(tmp, 'good.log');
    const v = await bootImage({
      kernel,
      image: good,
      expect: EXPECT,
      logFile,
      onLine: (line, ms) => seen.push({ line, ms }),
    });
    expect(v.reason).toBe('all 4 expectations seen in order');
    expect(v.status).toBe('passed');
    expect(v.passed).toBe(true);
    expect(v.accel).toBe(kvmUsable() ? 'kvm' : 'tcg');
    expect(v.cmdline).toBe('console=ttyS0 panic=-1 init=/sbin/init rdinit=/sbin/init');
    // rock-init powered the VM off: QEMU exited by itself.
    expect(v.exitCode).toBe(0);
    expect(v.lastLines).toEqual([]);
    expect(v.panicLine).toBeUndefined();
    const ms = v.markers.map((m) => m.ms);
    expect(ms.every((t) => t !== null)).toBe(true);
    for (let i = 1; i < ms.length; i++) expect(ms[i]!).toBeGreaterThanOrEqual(ms[i - 1]!);
    expect(v.markers.map((m) => m.text)).toEqual(EXPECT);

    const log = fs.readFileSync(logFile, 'utf8');
    expect(log).not.toContain('\r');
    expect(log.split('\n')).toContain('ROCK-INIT: config-key ok');
    expect(log.split('\n')).toContain(
      'ROCK-INIT: cmdline console=ttyS0 panic=-1 init=/sbin/init rdinit=/sbin/init',
    );
    expect(seen.map((s) => s.line)).toEqual(log.split('\n').slice(0, -1));
    expect(process.listenerCount('SIGINT')).toBe(sigintBefore);
    expect(alive(v.qemuPid!)).toBe(false);
    const run = seen.find((s) => s.line.includes('Run /sbin/init as init process'));
    console.info(
      `[boot] good (${v.accel}): "Run /sbin/init" at ${Math.round(run?.ms ?? -1)} ms, ` +
        `${v.markers.map((m) => `${m.text} @${m.ms}`).join(', ')}; QEMU ended at ${v.durationMs} ms`,
    );
  });

  it('leaves no console log behind after a passing boot it chose the log file for', async () => {
    // A private TMPDIR (os.tmpdir() reads it on each call), so other test files' boots don't count.
    const privateTmp = fs.mkdtempSync(path.join(tmp, 'tmpdir-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      const v = await bootImage({
        kernel,
        image: good,
        expect: ['ROCK-INIT: started pid=1'],
        timeoutMs: 60_000,
      });
      expect(v.status).toBe('passed');
      expect(v.logFile).toBe('');
      expect(fs.readdirSync(privateTmp)).toEqual([]);
      const failed = await bootImage({ kernel, image: good, expect: ['never printed'], timeoutMs: 60_000 });
      expect(failed.passed).toBe(false);
      expect(failed.logFile.startsWith(privateTmp)).toBe(true);
      expect(fs.readFileSync(failed.logFile, 'utf8')).toContain('ROCK-INIT: started pid=1');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('panics with the VFS line when only init=/sbin/init is given and the image has no /init', async () => {
    let panicMs = -1;
    const v = await bootImage({
      kernel,
      image: good,
      cmdline: 'console=ttyS0 panic=-1 init=/sbin/init',
      expect: EXPECT,
      onLine: (line, ms) => {
        if (line.includes('Kernel panic')) panicMs = ms;
      },
    });
    expect(v.status).toBe('panic');
    expect(v.passed).toBe(false);
    expect(v.panicLine).toMatch(
      /Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block\(0,0\)$/,
    );
    expect(v.reason).toMatch(/^kernel panic: VFS: Unable to mount root fs on unknown-block\(0,0\): /);
    expect(v.markers.every((m) => m.ms === null)).toBe(true);
    expect(v.lastLines.length).toBe(40);
    expect(v.lastLines.some((l) => l.includes('Kernel panic - not syncing'))).toBe(true);
    // panic=-1 with -no-reboot: the panic ends QEMU by itself.
    expect(v.exitCode).toBe(0);
    expect(fs.readFileSync(v.logFile, 'utf8')).toContain('VFS: Cannot open root device');
    console.info(
      `[boot] panic (${v.accel}): panic line at ${Math.round(panicMs)} ms; QEMU ended at ${v.durationMs} ms`,
    );
  });

  it('reports unpack-failed for a truncated gzip image', async () => {
    const v = await bootImage({ kernel, image: corrupt, expect: EXPECT });
    expect(v.status).toBe('unpack-failed');
    expect(v.passed).toBe(false);
    expect(v.reason).toMatch(/^Initramfs unpacking failed: /);
    expect(v.lastLines.length).toBeGreaterThan(0);
    expect(fs.readFileSync(v.logFile, 'utf8')).toMatch(/Initramfs unpacking failed: /);
    console.info(`[boot] corrupt (${v.accel}): ${v.reason}; QEMU ended at ${v.durationMs} ms`);
  });

  it('kills QEMU at the timeout and reports it', async () => {
    const v = await bootImage({ kernel, image: good, expect: EXPECT, timeoutMs: 300 });
    expect(v.status).toBe('timeout');
    expect(v.passed).toBe(false);
    expect(v.reason).toMatch(
      /^no verdict within 300 ms, QEMU killed: waiting for "ROCK-INIT: started pid=1" \(0 of 4 seen\); /,
    );
    expect(v.exitCode).toBeNull();
    expect(v.qemuPid).not.toBeNull();
    expect(alive(v.qemuPid!)).toBe(false);
    expect(processesMentioning(good)).toEqual([]);
  });

  it('kills QEMU when this process gets SIGINT during a boot, and removes its listeners', async () => {
    // A listener of our own keeps Node's default SIGINT action (exit) from ending the test worker.
    const keepAlive = (): void => {};
    process.on('SIGINT', keepAlive);
    const before = process.listenerCount('SIGINT');
    try {
      let sent = false;
      const v = await bootImage({
        kernel,
        image: good,
        accel: 'tcg',
        onLine: () => {
          if (!sent) {
            sent = true;
            process.emit('SIGINT', 'SIGINT');
          }
        },
      });
      expect(v.status).toBe('qemu-failed');
      expect(v.reason).toMatch(/^boot interrupted by SIGINT, QEMU killed: /);
      expect(v.exitCode).toBeNull();
      expect(alive(v.qemuPid!)).toBe(false);
      expect(process.listenerCount('SIGINT')).toBe(before);
    } finally {
      process.removeListener('SIGINT', keepAlive);
    }
  });

  it('rejects with the abort reason and leaves no QEMU behind when aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    const boot = bootImage({
      kernel,
      image: good,
      accel: 'tcg',
      signal: controller.signal,
      onLine: () => controller.abort(reason),
    });
    await expect(boot).rejects.toBe(reason);
    expect(processesMentioning(good)).toEqual([]);
  });

  it('reports qemu-failed with QEMU own message when it refuses the kernel', async () => {
    const v = await bootImage({ kernel: good, image: good, accel: 'tcg' });
    expect(v.status).toBe('qemu-failed');
    expect(v.reason).toBe(
      'qemu-system-x86_64 exited with code 1: qemu: linux kernel too old to load a ram disk',
    );
    expect(v.exitCode).toBe(1);
  });
});

describe('bootImage (no VM)', () => {
  it('reports qemu-failed when the QEMU binary does not exist', async () => {
    const kernel = testKernelPath();
    const v = await bootImage({ kernel, image: kernel, qemuBinary: '/nonexistent/qemu', accel: 'tcg' });
    expect(v.status).toBe('qemu-failed');
    expect(v.reason).toBe('could not start /nonexistent/qemu: spawn /nonexistent/qemu ENOENT');
    expect(v.qemuPid).toBeNull();
    expect(v.exitCode).toBeNull();
  });

  it('refuses a missing kernel before starting anything', async () => {
    const err = await bootImage({ kernel: '/nonexistent/vmlinuz', image: '/nonexistent/initrd' }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).code).toBe('BOOT_KERNEL_MISSING');
    expect((err as ToolError).message).toBe(
      '/nonexistent/vmlinuz: kernel: expected an existing file, found nothing',
    );
  });

  it('refuses a memory size that is not a positive integer', async () => {
    const kernel = testKernelPath();
    const err = await bootImage({ kernel, image: kernel, memoryMb: 1.5 }).catch((e) => e);
    expect((err as ToolError).code).toBe('BOOT_BAD_OPTION');
    expect((err as ToolError).message).toBe('memoryMb: expected an integer in 16..1048576, got 1.5');
  });

  it('rejects at once when the signal is already aborted', async () => {
    const kernel = testKernelPath();
    const reason = new Error('already');
    await expect(bootImage({ kernel, image: kernel, signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
  });
});
