import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { addKernel } from './add.js';
import { moduleClosure, moduleEntries } from './modules.js';
import { parseModulesDep } from './modules-dep.js';
import type { StoredKernel } from './store.js';
import { removeTemp, tempHome, testKernelDeb } from './test-support/kernel-deb.js';

function refusal(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected a refusal');
}

describe('module closures and image entries', () => {
  const home = tempHome();
  let k: StoredKernel;
  beforeAll(async () => {
    k = await addKernel(testKernelDeb(), { home });
  });
  afterAll(() => removeTemp(home));

  it('orders the closure of virtio_pci and virtio_net dependencies-first', () => {
    const c = moduleClosure(k.meta.name, ['virtio_pci', 'virtio-net.ko'], { home });
    expect(c.requested).toEqual(['virtio_pci', 'virtio_net']);
    expect(c.modules.map((m) => m.path)).toEqual([
      'kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio_pci_modern_dev.ko',
      'kernel/drivers/virtio/virtio_pci_legacy_dev.ko',
      'kernel/drivers/virtio/virtio.ko',
      'kernel/drivers/virtio/virtio_pci.ko',
      'kernel/net/core/failover.ko',
      'kernel/drivers/net/net_failover.ko',
      'kernel/drivers/net/virtio_net.ko',
    ]);
    expect(c.builtin).toEqual([]);
  });

  it('puts every dependency before its dependant, for any set of modules', () => {
    const dep = parseModulesDep(
      fs.readFileSync(path.join(k.modulesDir!, 'modules.dep'), 'utf8'),
      'modules.dep',
    );
    const names = ['xfs', 'btrfs', 'virtio_blk', 'wireguard', 'nf_tables', 'virtio_scsi', 'ena'];
    const c = moduleClosure(undefined, names, { home });
    const position = new Map(c.modules.map((m, i) => [m.path, i]));
    for (const m of c.modules) {
      for (const d of dep.get(m.name)!.depends) expect(position.get(d)).toBeLessThan(position.get(m.path)!);
    }
    expect(new Set(c.modules.map((m) => m.name)).size).toBe(c.modules.length);
    for (const n of names) expect(c.modules.some((m) => m.name === n)).toBe(true);
  });

  it('reports built-in names and refuses unknown ones with close matches', () => {
    const c = moduleClosure(undefined, ['ext4', 'nvme', 'virtio_blk'], { home });
    expect(c.builtin).toEqual(['ext4', 'nvme']);
    expect(c.modules.map((m) => m.name)).toEqual(['virtio_ring', 'virtio', 'virtio_blk']);
    const e = refusal(() => moduleClosure(undefined, ['virtio_ne'], { home }));
    expect(e.code).toBe('MODULE_NOT_FOUND');
    expect(e.message).toBe(
      `module virtio_ne: not in kernel ${k.meta.name} (neither in modules.dep nor built in); similar: virtio_net, virtio`,
    );
  });

  it('makes image entries at lib/modules/<release>/ with a reduced modules.dep and modules.alias', async () => {
    const entries = await moduleEntries(k.dir, ['virtio_net'], { home, mtime: 1234 });
    const base = `lib/modules/${k.meta.release}`;
    const byName = new Map(entries.map((e) => [e.info.name, e]));
    expect(entries.filter((e) => e.info.type === 'directory').map((e) => e.info.name)).toEqual([
      'lib',
      'lib/modules',
      base,
      `${base}/kernel`,
      `${base}/kernel/drivers`,
      `${base}/kernel/drivers/net`,
      `${base}/kernel/drivers/virtio`,
      `${base}/kernel/net`,
      `${base}/kernel/net/core`,
    ]);
    for (const e of entries) {
      expect(e.info.mtime).toBe(1234);
      expect(e.info.perm).toBe(e.info.type === 'directory' ? 0o755 : 0o644);
    }
    const ko = byName.get(`${base}/kernel/drivers/net/virtio_net.ko`)!;
    expect(
      Buffer.from(ko.content as Uint8Array).equals(
        fs.readFileSync(path.join(k.modulesDir!, 'kernel/drivers/net/virtio_net.ko')),
      ),
    ).toBe(true);
    expect(Buffer.from(byName.get(`${base}/modules.dep`)!.content as Uint8Array).toString()).toBe(
      [
        'kernel/drivers/virtio/virtio_ring.ko:',
        'kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko',
        'kernel/net/core/failover.ko:',
        'kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko',
        'kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
        '',
      ].join('\n'),
    );
    expect(Buffer.from(byName.get(`${base}/modules.alias`)!.content as Uint8Array).toString()).toBe(
      'alias virtio:d00000001v* virtio_net\n',
    );
    expect(byName.has(`${base}/modules.builtin`)).toBe(true);
  });

  it('decompresses .ko.xz and .ko.zst modules into plain .ko entries', async () => {
    const work = tempHome();
    try {
      const modules = path.join(work, k.meta.release);
      fs.mkdirSync(path.join(modules, 'kernel'), { recursive: true });
      const ring = fs.readFileSync(path.join(k.modulesDir!, 'kernel/drivers/virtio/virtio_ring.ko'));
      const virtio = fs.readFileSync(path.join(k.modulesDir!, 'kernel/drivers/virtio/virtio.ko'));
      fs.writeFileSync(
        path.join(modules, 'kernel/virtio_ring.ko.zst'),
        execFileSync('zstd', ['-c', '-q'], { input: ring }),
      );
      fs.writeFileSync(
        path.join(modules, 'kernel/virtio.ko.xz'),
        execFileSync('xz', ['-c', '-q', '--check=crc32'], { input: virtio }),
      );
      const bare = path.join(work, 'vmlinuz');
      fs.copyFileSync(k.vmlinuz, bare);
      const c = await addKernel(bare, { home, name: 'compressed', modules });
      expect(c.meta).toMatchObject({ moduleCount: 2, modulesDepGenerated: true, hasConfig: false });
      expect(fs.readFileSync(path.join(c.modulesDir!, 'modules.dep'), 'utf8')).toBe(
        'kernel/virtio.ko.xz: kernel/virtio_ring.ko.zst\nkernel/virtio_ring.ko.zst:\n',
      );
      const entries = await moduleEntries('compressed', ['virtio'], { home });
      const files = entries.filter((e) => e.info.type === 'file');
      const base = `lib/modules/${k.meta.release}`;
      expect(files.map((e) => e.info.name)).toEqual([
        `${base}/kernel/virtio_ring.ko`,
        `${base}/kernel/virtio.ko`,
        `${base}/modules.dep`,
        `${base}/modules.alias`,
      ]);
      expect(Buffer.from(files[0]!.content as Uint8Array).equals(ring)).toBe(true);
      expect(Buffer.from(files[1]!.content as Uint8Array).equals(virtio)).toBe(true);
      expect(Buffer.from(files[2]!.content as Uint8Array).toString()).toBe(
        'kernel/virtio_ring.ko:\nkernel/virtio.ko: kernel/virtio_ring.ko\n',
      );
    } finally {
      removeTemp(work);
    }
  });

  it('refuses a kernel stored without modules', async () => {
    const e = refusal(() => moduleClosure('nomods', ['x'], { home }));
    expect(e.code).toBe('KERNEL_NOT_FOUND');
    const work = tempHome();
    try {
      const bare = path.join(work, 'vmlinuz');
      fs.copyFileSync(k.vmlinuz, bare);
      await addKernel(bare, { home, name: 'nomods' });
      const n = refusal(() => moduleClosure('nomods', ['virtio_net'], { home }));
      expect(n.code).toBe('KERNEL_NO_MODULES');
      expect(n.message).toBe(
        'kernel nomods: stored without its module tree (add its package, or modules DIR)',
      );
    } finally {
      removeTemp(work);
    }
  });
});
