import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolError } from '../errors/index.js';
import { addKernel } from './add.js';
import { assertKernelSupports, checkConfig, checkKernel, parseKernelConfig } from './config-check.js';
import type { StoredKernel } from './store.js';
import { removeTemp, tempHome, testKernelDeb } from './test-support/kernel-deb.js';

const MINIMAL = `
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
# CONFIG_RD_ZSTD is not set
CONFIG_DEVTMPFS=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_TMPFS=y
CONFIG_BINFMT_ELF=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_NET=m
CONFIG_MODULES=y
`;

describe('kernel config checks', () => {
  const home = tempHome();
  let k: StoredKernel;
  beforeAll(async () => {
    k = await addKernel(testKernelDeb(), { home });
  });
  afterAll(() => removeTemp(home));

  it('parses =y, =m, strings and "is not set"', () => {
    const c = parseKernelConfig('CONFIG_A=y\nCONFIG_B=m\nCONFIG_C="x y"\n# CONFIG_D is not set\n');
    expect([...c]).toEqual([
      ['A', 'y'],
      ['B', 'm'],
      ['C', '"x y"'],
    ]);
  });

  it("passes Debian's cloud kernel for every compression, with virtio as modules to carry", () => {
    for (const compress of ['gzip', 'zstd', 'xz', 'lz4', 'none'] as const) {
      const r = checkKernel(undefined, { home, compress });
      expect(r.passed).toBe(true);
      expect(r.kernel).toBe(k.meta.name);
      expect(r.modulesNeeded).toEqual(['virtio_pci', 'virtio_net']);
    }
    const r = checkKernel(undefined, { home, compress: 'zstd', scriptInit: true });
    expect(r.items.map((i) => `${i.option}=${i.value}:${i.status}`)).toEqual([
      'BLK_DEV_INITRD=y:ok',
      'RD_ZSTD=y:ok',
      'DEVTMPFS=y:ok',
      'PROC_FS=y:ok',
      'SYSFS=y:ok',
      'TMPFS=y:ok',
      'BINFMT_ELF=y:ok',
      'BINFMT_SCRIPT=y:ok',
      'SERIAL_8250=y:ok',
      'SERIAL_8250_CONSOLE=y:ok',
      'VIRTIO_PCI=m:module',
      'VIRTIO_NET=m:module',
      'MODULES=y:ok',
    ]);
  });

  it('names the missing decompressor, and =m drivers the image lacks', () => {
    const config = parseKernelConfig(MINIMAL);
    expect(checkConfig(config, { compress: 'gzip' }).passed).toBe(true);
    const zstd = checkConfig(config, { compress: 'zstd' });
    expect(zstd.passed).toBe(false);
    expect(zstd.missing).toEqual(['RD_ZSTD']);
    expect(checkConfig(config, { compress: 'lz4' }).missing).toEqual(['RD_LZ4']);
    expect(checkConfig(new Map([...config, ['RD_LZ4', 'y']]), { compress: 'lz4' }).passed).toBe(true);
    // Codecs we read but do not write still name their kernel option (Debian's COMPRESS=bzip2/lzop).
    expect(checkConfig(config, { compress: 'bzip2' }).missing).toEqual(['RD_BZIP2']);
    expect(checkConfig(config, { compress: 'lzo' }).missing).toEqual(['RD_LZO']);
    expect(checkConfig(new Map([...config, ['RD_LZO', 'y']]), { compress: 'lzo' }).passed).toBe(true);
    const imageWithout = checkConfig(config, { compress: 'gzip', imageModules: ['virtio_pci'] });
    expect(imageWithout.missing).toEqual(['VIRTIO_NET']);
    expect(checkConfig(config, { compress: 'gzip', imageModules: ['virtio-net'] }).passed).toBe(true);
    expect(checkConfig(config, { scriptInit: true }).missing).toEqual(['BINFMT_SCRIPT']);
    expect(checkConfig(config, { net: 'e1000' }).missing).toEqual(['E1000']);
    expect(checkConfig(config, { net: 'none' }).items.map((i) => i.option)).not.toContain('MODULES');
    expect(checkConfig(new Map(), {}).missing).toEqual([
      'BLK_DEV_INITRD',
      'RD_GZIP',
      'DEVTMPFS',
      'PROC_FS',
      'SYSFS',
      'TMPFS',
      'BINFMT_ELF',
      'SERIAL_8250',
      'SERIAL_8250_CONSOLE',
      'VIRTIO_PCI',
      'VIRTIO_NET',
    ]);
  });

  it('assertKernelSupports refuses a zstd image for a kernel without RD_ZSTD (exit 1)', async () => {
    const work = tempHome();
    try {
      const bare = path.join(work, 'vmlinuz');
      fs.copyFileSync(k.vmlinuz, bare);
      fs.writeFileSync(path.join(work, 'config'), MINIMAL);
      await addKernel(bare, { home, name: 'no-zstd', config: path.join(work, 'config') });
      expect(assertKernelSupports('no-zstd', { home, compress: 'gzip' }).passed).toBe(true);
      let error: ToolError | undefined;
      try {
        assertKernelSupports('no-zstd', { home, compress: 'zstd', imageModules: [] });
      } catch (e) {
        error = e as ToolError;
      }
      expect(error?.code).toBe('KERNEL_CONFIG_MISSING');
      expect(error?.exitCode).toBe(1);
      expect(error?.message).toBe(
        'kernel no-zstd: cannot boot this zstd image: missing CONFIG_RD_ZSTD, CONFIG_VIRTIO_NET=m (module virtio_net not in the image)',
      );
      fs.copyFileSync(k.vmlinuz, bare);
      await addKernel(bare, { home, name: 'no-config' });
      expect(() => checkKernel('no-config', { home })).toThrow(
        /^kernel no-config: stored without its kernel configuration; re-add it with config FILE/,
      );
    } finally {
      removeTemp(work);
    }
  });
});
