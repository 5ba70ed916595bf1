import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolError } from '../errors/index.js';
import { addKernel } from '../kernel/index.js';
import { testKernelPath } from '../qemu/test-support/test-kernel.js';
import { kernelEntries } from './kernel-input.js';

/** Everything a ROCK-OS boot needs, virtio-net built in, every initramfs decompressor. */
const FULL = [
  'CONFIG_BLK_DEV_INITRD=y',
  'CONFIG_RD_GZIP=y',
  'CONFIG_RD_ZSTD=y',
  'CONFIG_RD_XZ=y',
  'CONFIG_DEVTMPFS=y',
  'CONFIG_PROC_FS=y',
  'CONFIG_SYSFS=y',
  'CONFIG_TMPFS=y',
  'CONFIG_BINFMT_ELF=y',
  'CONFIG_SERIAL_8250=y',
  'CONFIG_SERIAL_8250_CONSOLE=y',
  'CONFIG_VIRTIO_PCI=y',
  'CONFIG_VIRTIO_NET=y',
  '',
].join('\n');

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));

/** Stores the test kernel under `name` with FULL minus `unset` (written as `is not set`). */
async function storeKernel(name: string, unset?: string): Promise<void> {
  const config = path.join(home, `config-${name}`);
  const text = unset ? FULL.replace(`CONFIG_${unset}=y`, `# CONFIG_${unset} is not set`) : FULL;
  fs.writeFileSync(config, text);
  const vmlinuz = path.join(home, `vmlinuz-${name}`);
  fs.copyFileSync(testKernelPath(), vmlinuz);
  await addKernel(vmlinuz, { home, name, config });
}

async function refusal(kernel: string, compress: 'gzip' | 'zstd' | 'xz'): Promise<ToolError | undefined> {
  try {
    await kernelEntries({ kernel, compress, mtime: 0, home });
    return undefined;
  } catch (err) {
    return err as ToolError;
  }
}

beforeAll(async () => {
  await storeKernel('full');
  await storeKernel('no-zstd', 'RD_ZSTD');
  await storeKernel('no-xz', 'RD_XZ');
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('kernelEntries: the image compression against the kernel RD_* options', () => {
  it('accepts gzip, zstd and xz for a kernel with RD_GZIP, RD_ZSTD and RD_XZ', async () => {
    for (const compress of ['gzip', 'zstd', 'xz'] as const) {
      expect(await kernelEntries({ kernel: 'full', compress, mtime: 0, home })).toEqual([]);
    }
  });

  it('refuses a zstd image for a kernel without RD_ZSTD (exit 1), but not gzip or xz', async () => {
    const error = await refusal('no-zstd', 'zstd');
    expect(error?.code).toBe('KERNEL_CONFIG_MISSING');
    expect(error?.exitCode).toBe(1);
    expect(error?.message).toBe('kernel no-zstd: cannot boot this zstd image: missing CONFIG_RD_ZSTD');
    expect(await refusal('no-zstd', 'gzip')).toBeUndefined();
    expect(await refusal('no-zstd', 'xz')).toBeUndefined();
  });

  it('refuses an xz image for a kernel without RD_XZ', async () => {
    const error = await refusal('no-xz', 'xz');
    expect(error?.code).toBe('KERNEL_CONFIG_MISSING');
    expect(error?.message).toBe('kernel no-xz: cannot boot this xz image: missing CONFIG_RD_XZ');
    expect(await refusal('no-xz', 'zstd')).toBeUndefined();
  });
});
