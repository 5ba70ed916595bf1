/**
 * Whether a kernel can unpack and run a ROCK-OS image, decided from its build configuration before
 * anything boots. Each requirement names the option and why the boot needs it.
 */
import fs from 'node:fs';
import { COMPRESSIONS, type Compression } from '../compression/index.js';
import { CheckError, InputError } from '../errors/index.js';
import { kernelFrom } from './modules.js';
import { normalizeModuleName } from './modules-dep.js';

/** Network devices a boot may use: the QEMU runner's is virtio-net-pci. */
export const NET_DRIVERS = {
  virtio: [
    { option: 'VIRTIO_PCI', module: 'virtio_pci', why: 'the PCI transport the virtio-net device sits on' },
    { option: 'VIRTIO_NET', module: 'virtio_net', why: 'the virtio-net driver (QEMU virtio-net-pci)' },
  ],
  e1000: [{ option: 'E1000', module: 'e1000', why: 'the Intel e1000 driver (QEMU e1000)' }],
  none: [],
} as const;

/** A network device kind. */
export type NetDriver = keyof typeof NET_DRIVERS;

/** One option and how this kernel sets it. */
export interface ConfigCheckItem {
  /** Option name without `CONFIG_`. */
  option: string;
  why: string;
  /** `y`, `m`, another value, or `null` when unset. */
  value: string | null;
  /**
   * `ok`: set as needed. `module`: `=m`, so the module must be in the image (in image context:
   * it is). `missing`: not set, or a module the image lacks.
   */
  status: 'ok' | 'module' | 'missing';
  /** For `=m`: the module the image must carry. */
  module?: string;
}

/** The verdict on one kernel configuration. */
export interface ConfigCheckReport {
  passed: boolean;
  compress: Compression;
  net: NetDriver;
  items: ConfigCheckItem[];
  /** Options that are missing (names without `CONFIG_`). */
  missing: string[];
  /** Modules the image must carry for the boot's devices. */
  modulesNeeded: string[];
}

/** What to check for. */
export interface ConfigCheckOptions {
  /** The image's compression; default gzip. */
  compress?: Compression;
  /** The init (or a program it runs) is a `#!` script: BINFMT_SCRIPT is then needed too. */
  scriptInit?: boolean;
  /** The network device the boot uses; default virtio. */
  net?: NetDriver;
  /**
   * Image context: the modules the image carries. A driver that is `=m` and not among them is then
   * missing; without this list an `=m` driver is reported as a module the image must carry.
   */
  imageModules?: readonly string[];
}

/** Parses a kernel `.config`: `CONFIG_X=value` lines; `# CONFIG_X is not set` lines count as unset. */
export function parseKernelConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Checks a parsed configuration against what a ROCK-OS boot needs; never throws. */
export function checkConfig(
  config: ReadonlyMap<string, string>,
  options: ConfigCheckOptions = {},
): ConfigCheckReport {
  const compress = options.compress ?? 'gzip';
  const net = options.net ?? 'virtio';
  const builtIn: { option: string; why: string }[] = [
    { option: 'BLK_DEV_INITRD', why: 'initramfs support: without it the image is ignored' },
  ];
  const rd = COMPRESSIONS[compress].kernelOption;
  if (rd) builtIn.push({ option: rd, why: `unpacks a ${compress}-compressed initramfs` });
  builtIn.push(
    { option: 'DEVTMPFS', why: 'devtmpfs, mounted on /dev when the image has no device nodes' },
    { option: 'PROC_FS', why: '/proc, which rock-init mounts' },
    { option: 'SYSFS', why: '/sys, which rock-init mounts' },
    { option: 'TMPFS', why: 'tmpfs (the initramfs rootfs itself, and /tmp, /run)' },
    { option: 'BINFMT_ELF', why: 'runs ELF binaries, rock-init among them' },
  );
  if (options.scriptInit) builtIn.push({ option: 'BINFMT_SCRIPT', why: 'runs #! scripts (the init is one)' });
  builtIn.push(
    { option: 'SERIAL_8250', why: 'the 16550 UART behind console=ttyS0' },
    { option: 'SERIAL_8250_CONSOLE', why: 'console=ttyS0 (a module would load too late for boot messages)' },
  );
  const items: ConfigCheckItem[] = builtIn.map(({ option, why }) => {
    const value = config.get(option) ?? null;
    return { option, why, value, status: value === 'y' ? 'ok' : 'missing' };
  });
  const carried = options.imageModules ? new Set(options.imageModules.map(normalizeModuleName)) : undefined;
  const modulesNeeded: string[] = [];
  for (const driver of NET_DRIVERS[net]) {
    const value = config.get(driver.option) ?? null;
    let status: ConfigCheckItem['status'] = 'missing';
    if (value === 'y') status = 'ok';
    else if (value === 'm') {
      modulesNeeded.push(driver.module);
      status = carried === undefined || carried.has(driver.module) ? 'module' : 'missing';
    }
    items.push({
      option: driver.option,
      why: driver.why,
      value,
      status,
      ...(value === 'm' ? { module: driver.module } : {}),
    });
  }
  if (modulesNeeded.length > 0) {
    const value = config.get('MODULES') ?? null;
    items.push({
      option: 'MODULES',
      why: 'loads the driver modules above',
      value,
      status: value === 'y' ? 'ok' : 'missing',
    });
  }
  const missing = items.filter((i) => i.status === 'missing').map((i) => i.option);
  return { passed: missing.length === 0, compress, net, items, missing, modulesNeeded };
}

/** Options of {@link checkKernel}. */
export interface CheckKernelOptions extends ConfigCheckOptions {
  /** `ROCK_HOME` (the kernel store). */
  home: string;
}

/**
 * Checks the stored kernel `kernel` (a name, a store directory, or the default when undefined).
 * Returns the report; does not throw for a failed check (see {@link assertKernelSupports}).
 *
 * Refuses (InputError `KERNEL_NO_CONFIG`) a kernel stored without its config, and what
 * {@link kernelFrom} refuses.
 */
export function checkKernel(
  kernel: string | undefined,
  options: CheckKernelOptions,
): ConfigCheckReport & { kernel: string } {
  const stored = kernelFrom(kernel, options.home);
  if (!stored.config) {
    throw new InputError(
      'KERNEL_NO_CONFIG',
      `kernel ${stored.meta.name}: stored without its kernel configuration; re-add it with config FILE (e.g. /boot/config-${stored.meta.release})`,
      { kernel: stored.meta.name, field: 'config' },
    );
  }
  const report = checkConfig(parseKernelConfig(fs.readFileSync(stored.config, 'utf8')), options);
  return { kernel: stored.meta.name, ...report };
}

/**
 * For `rock-image create --kernel`: checks the kernel against the image about to be written, and
 * throws CheckError `KERNEL_CONFIG_MISSING` (exit 1) naming every missing option, e.g. a zstd image
 * for a kernel without RD_ZSTD. Returns the report when the kernel can boot the image.
 */
export function assertKernelSupports(
  kernel: string | undefined,
  options: CheckKernelOptions,
): ConfigCheckReport & { kernel: string } {
  const report = checkKernel(kernel, options);
  if (!report.passed) {
    const detail = report.items
      .filter((i) => i.status === 'missing')
      .map((i) =>
        i.value === 'm' ? `CONFIG_${i.option}=m (module ${i.module} not in the image)` : `CONFIG_${i.option}`,
      );
    throw new CheckError(
      'KERNEL_CONFIG_MISSING',
      `kernel ${report.kernel}: cannot boot this ${report.compress} image: missing ${detail.join(', ')}`,
      { kernel: report.kernel, missing: report.missing, report },
    );
  }
  return report;
}
