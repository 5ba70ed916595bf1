import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteEntry } from '../cpio/index.js';
import type { ToolError } from '../errors/index.js';
import { addKernel } from './add.js';
import { bootKernel } from './boot.js';
import { moduleEntries } from './modules.js';
import type { StoredKernel } from './store.js';
import { compileFixture } from './test-support/archives.js';
import { removeTemp, repoRoot, tempHome, testKernelDeb } from './test-support/kernel-deb.js';

/** Lays entries and the stand-in init into `root`, packs it with GNU cpio + gzip into `out`. */
function packImage(root: string, entries: WriteEntry[], init: string, out: string): string {
  for (const e of entries) {
    const p = path.join(root, e.info.name);
    if (e.info.type === 'directory') fs.mkdirSync(p, { recursive: true, mode: e.info.perm });
    else fs.writeFileSync(p, e.content as Uint8Array, { mode: e.info.perm });
  }
  for (const d of ['proc', 'sys', 'dev', 'sbin']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.copyFileSync(init, path.join(root, 'sbin/init'));
  fs.chmodSync(path.join(root, 'sbin/init'), 0o755);
  execFileSync('sh', ['-c', 'find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -n > "$1"', 'sh', out], {
    cwd: root,
  });
  return out;
}

describe('booting a stored kernel with modules in the image', () => {
  const home = tempHome();
  const work = tempHome();
  let k: StoredKernel;
  let init: string;
  beforeAll(async () => {
    k = await addKernel(testKernelDeb(), { home });
    init = compileFixture(repoRoot, 'modules-init', work);
  });
  afterAll(() => {
    removeTemp(home);
    removeTemp(work);
  });

  it('loads virtio_net (=m in the cloud kernel) from the image and its eth0 has the MAC given', async () => {
    expect(fs.readFileSync(k.config!, 'utf8')).toContain('CONFIG_VIRTIO_NET=m\n');
    const entries = await moduleEntries(undefined, ['virtio_pci', 'virtio_net'], { home });
    const image = packImage(path.join(work, 'root'), entries, init, path.join(work, 'modules.img'));
    const log = path.join(work, 'boot.log');
    const verdict = await bootKernel({
      home,
      image,
      mac: 'a4:58:0f:01:00:10',
      expect: ['MODULES-INIT: started pid=1', 'MODULES-INIT: net eth0 a4:58:0f:01:00:10'],
      timeoutMs: 90_000,
      logFile: log,
    });
    expect(verdict.lastLines).toEqual([]);
    expect(verdict.status).toBe('passed');
    expect(verdict.kernel).toBe(k.meta.name);
    expect(verdict.cmdline).toBe(
      'console=ttyS0 debug init=/sbin/init rdinit=/sbin/init net.ifnames=0 BOOTIF=01-a4-58-0f-01-00-10 panic=-1',
    );
    const lines = fs
      .readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('MODULES-INIT:'));
    expect(lines.filter((l) => l.includes('loaded'))).toEqual(
      [
        'virtio/virtio_ring',
        'virtio/virtio_pci_modern_dev',
        'virtio/virtio_pci_legacy_dev',
        'virtio/virtio',
        'virtio/virtio_pci',
      ]
        .map((m) => `MODULES-INIT: loaded kernel/drivers/${m}.ko`)
        .concat([
          'MODULES-INIT: loaded kernel/net/core/failover.ko',
          'MODULES-INIT: loaded kernel/drivers/net/net_failover.ko',
          'MODULES-INIT: loaded kernel/drivers/net/virtio_net.ko',
        ]),
    );
    expect(lines.filter((l) => l.includes('failed'))).toEqual([]);
    console.log(
      `module boot: ${verdict.accel}, ${verdict.durationMs} ms, markers ${JSON.stringify(verdict.markers)}`,
    );
  });

  it('without the modules no interface appears and the verdict says which marker is missing', async () => {
    const image = packImage(path.join(work, 'bare-root'), [], init, path.join(work, 'bare.img'));
    const verdict = await bootKernel({
      home,
      image,
      mac: 'a4:58:0f:01:00:11',
      expect: ['MODULES-INIT: net eth0 a4:58:0f:01:00:11'],
      timeoutMs: 90_000,
      logFile: path.join(work, 'bare.log'),
    });
    expect(verdict.passed).toBe(false);
    expect(verdict.status).toBe('expectation-missing');
    expect(verdict.markers).toEqual([{ text: 'MODULES-INIT: net eth0 a4:58:0f:01:00:11', ms: null }]);
    expect(verdict.lastLines).toContain('MODULES-INIT: net lo 00:00:00:00:00:00');
  });

  it('refuses a bad MAC before starting QEMU', async () => {
    let error: ToolError | undefined;
    try {
      await bootKernel({ home, image: path.join(work, 'bare.img'), mac: '01:00:5e:00:00:01' });
    } catch (e) {
      error = e as ToolError;
    }
    expect(error?.code).toBe('MAC_NOT_UNICAST');
  });
});
