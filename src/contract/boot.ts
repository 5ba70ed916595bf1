/**
 * How the kernel picks PID 1, and therefore what every image and every command line carries.
 *
 * Measured here by booting Debian's 6.1 kernels (cloud-amd64 and generic) in QEMU:
 *
 * | image                          | command line        | result                                             |
 * | ------------------------------ | ------------------- | -------------------------------------------------- |
 * | no `/init`, `/sbin/init` there | `init=/sbin/init`   | panic "VFS: Unable to mount root fs on unknown-block(0,0)" |
 * | no `/init`                     | `rdinit=/sbin/init` | `/sbin/init` runs as PID 1                         |
 * | `/init -> sbin/init`           | `init=/sbin/init`   | `/init` runs as PID 1                              |
 *
 * The reason is in init/main.c: with an initramfs the kernel runs `rdinit=` (default `/init`). Only
 * when that is missing does it try to mount a real root device and run `init=` *from that device*;
 * an initramfs-only boot has no root device, hence the panic. `init=` alone never reaches an
 * initramfs binary.
 *
 * So the suite does both, and either alone is enough:
 * - every image carries the symlink `/init -> sbin/init` ({@link INIT_LINK});
 * - every generated command line carries `rdinit=/sbin/init` as well as the contract's
 *   `init=/sbin/init` ({@link BOOT_PARAMS}); `init=` stays for rock-init, which reads it.
 */
import { INIT_PATH } from './paths.js';

/** The kernel's default rdinit: what it runs from the initramfs when `rdinit=` is not given. */
export const KERNEL_DEFAULT_RDINIT = '/init';

/** The link every image carries so that the kernel's default rdinit reaches rock-init. */
export const INIT_LINK = { path: KERNEL_DEFAULT_RDINIT, target: 'sbin/init' } as const;

/** Parameters every generated kernel command line carries, in this order. */
export const BOOT_PARAMS: readonly string[] = [`init=${INIT_PATH}`, `rdinit=${INIT_PATH}`];

/**
 * What the kernel tries, in order, when neither `rdinit=` nor `init=` gets a program running
 * (init/main.c `kernel_init`): a kernel fact, listed here because `/sbin/init` is also ours.
 */
export const KERNEL_FALLBACK_INITS: readonly string[] = ['/sbin/init', '/etc/init', '/bin/init', '/bin/sh'];
