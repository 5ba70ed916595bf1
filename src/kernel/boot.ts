/**
 * `rock-kernel boot`: a stored kernel, a command line built by {@link buildCmdline}, and the suite's
 * one QEMU runner (the same as `rock-verify boot`).
 */
import { type BootVerdict, bootImage } from '../qemu/index.js';
import { refuseOutputAmongInputs } from '../util/output-among-inputs.js';
import { buildCmdline } from './cmdline.js';
import { kernelFrom } from './modules.js';

/** Options of {@link bootKernel}. */
export interface BootKernelOptions {
  /** Stored kernel name or store directory; default the default kernel. */
  kernel?: string;
  image: string;
  /** MAC of the virtio-net NIC (and BOOTIF= on the command line); no NIC without it. */
  mac?: string;
  /** Command line mode; default `debug`. */
  mode?: string;
  append?: readonly string[];
  /** The whole command line, instead of mode/append/mac parameters. */
  cmdline?: string;
  expect?: string[];
  timeoutMs?: number;
  memoryMb?: number;
  logFile?: string;
  accel?: 'auto' | 'kvm' | 'tcg';
  configFile?: string;
  /** `ROCK_HOME` (the kernel store and cmdline.yaml). */
  home: string;
  onLine?: (line: string, ms: number) => void;
}

/**
 * Boots `image` with the stored kernel and returns the runner's verdict (never throws for a failed
 * boot: the verdict says passed, panic, init-failed, unpack-failed, timeout...).
 *
 * The generated command line adds `panic=-1` (unless given), so a panic ends QEMU at once instead of
 * waiting for the timeout. Refuses OUTPUT_IS_INPUT for a log file that is the image, the kernel or
 * the modes file, and what {@link kernelFrom}, {@link buildCmdline} and the runner refuse.
 */
export async function bootKernel(options: BootKernelOptions): Promise<BootVerdict & { kernel: string }> {
  const home = options.home;
  const stored = kernelFrom(options.kernel, home);
  // `--log rock.img --image rock.img` would overwrite the image with the console.
  if (options.logFile !== undefined) {
    refuseOutputAmongInputs(options.logFile, [
      { path: options.image, field: 'image' },
      { path: stored.vmlinuz, field: 'kernel' },
      ...(options.configFile === undefined ? [] : [{ path: options.configFile, field: 'configFile' }]),
    ]);
  }
  const append = [...(options.append ?? [])];
  if (!append.some((a) => /(^|\s)panic=/.test(a))) append.unshift('panic=-1');
  const cmdline =
    options.cmdline ??
    buildCmdline({ mode: options.mode, append, mac: options.mac, configFile: options.configFile, home });
  const verdict = await bootImage({
    kernel: stored.vmlinuz,
    image: options.image,
    cmdline,
    expect: options.expect,
    timeoutMs: options.timeoutMs,
    memoryMb: options.memoryMb,
    mac: options.mac,
    logFile: options.logFile,
    accel: options.accel,
    onLine: options.onLine,
  });
  return { kernel: stored.meta.name, ...verdict };
}
