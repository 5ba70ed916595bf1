import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { copyBinaries } from '../../deps/index.js';
import { fixturesDir } from './test-kernel.js';

/** How to lay out a test image (every flag defaults to the good image). */
export interface TestImageLayout {
  /** Add the `/init -> sbin/init` link the kernel's default rdinit reaches. Default false. */
  initLink?: boolean;
}

/**
 * Lays out the standard test rootfs in `root`: the fixtures at their contract paths (literals here,
 * pinning the contract), volcano-agent's interpreter and libraries, /proc /sys /dev /config,
 * /dev/console (mknod; needs root) and a 0600 /config/CONFIG_KEY.
 */
export async function layoutTestRoot(root: string, layout: TestImageLayout = {}): Promise<void> {
  const fixtures = fixturesDir();
  for (const dir of ['sbin', 'usr/bin', 'bin', 'proc', 'sys', 'dev', 'config']) {
    fs.mkdirSync(path.join(root, dir), { recursive: true, mode: 0o755 });
  }
  const place = (fixture: string, target: string): void => {
    fs.copyFileSync(path.join(fixtures, fixture), path.join(root, target));
    fs.chmodSync(path.join(root, target), 0o755);
  };
  place('rock-init', 'sbin/init');
  place('rock-manager', 'usr/bin/rock-manager');
  place('volcano-agent', 'usr/bin/volcano-agent');
  place('busybox', 'bin/busybox');
  // volcano-agent is dynamically linked: its interpreter and libraries, as rock-deps copy lays them.
  await copyBinaries([path.join(fixtures, 'volcano-agent')], root);
  if (layout.initLink) fs.symlinkSync('sbin/init', path.join(root, 'init'));
  execFileSync('mknod', ['-m', '600', path.join(root, 'dev/console'), 'c', '5', '1']);
  fs.writeFileSync(path.join(root, 'config/CONFIG_KEY'), 'test-key\n', { mode: 0o600 });
  fs.chmodSync(path.join(root, 'config/CONFIG_KEY'), 0o600);
}

/** Packs `root` with GNU cpio (newc) and gzip into `out`; returns `out`. */
export function packWithGnuCpio(root: string, out: string): string {
  // Sorted names and gzip -n: the same tree gives the same bytes.
  execFileSync(
    'sh',
    ['-c', 'find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -n -9 > "$1"', 'sh', out],
    {
      cwd: root,
    },
  );
  return out;
}
