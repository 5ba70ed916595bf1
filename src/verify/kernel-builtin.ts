/**
 * The kernel's built-in initramfs, unpacked before any external image (init/initramfs.c
 * do_populate_rootfs unpacks `__initramfs_start` first). With CONFIG_INITRAMFS_SOURCE empty, as in
 * Debian's and most distributions' kernels, it is usr/default_cpio_list:
 *
 *     dir /dev 0755 0 0
 *     nod /dev/console 0600 0 0 c 5 1
 *     dir /root 0700 0 0
 *
 * These names are the kernel's, not the ROCK-OS contract's, so they are spelled here as that file
 * spells them (gen_init_cpio stores them without the leading `/`).
 */
import { newInfo } from '../cpio/new-info.js';
import type { CpioRecord, Info, RecordOrigin } from '../cpio/types.js';

/** Origin of the built-in records: segment -1, before the image's segment 0. */
export const BUILTIN_ORIGIN: RecordOrigin = {
  segment: -1,
  archive: -1,
  compression: 'none',
  offset: 0,
  segmentOffset: 0,
};

function builtin(name: string, type: Info['type'], perm: number, rdevMajor = 0, rdevMinor = 0): CpioRecord {
  const info = newInfo(name, type, perm, { rdevMajor, rdevMinor });
  return { info, data: new Uint8Array(0), origin: BUILTIN_ORIGIN };
}

/** The records of usr/default_cpio_list, in its order. */
export const BUILTIN_RECORDS: readonly CpioRecord[] = [
  builtin('dev', 'directory', 0o755),
  builtin('dev/console', 'char-device', 0o600, 5, 1),
  builtin('root', 'directory', 0o700),
];

/** True for an origin that is the kernel's (built-in archive or rootfs itself), not the image's. */
export function isBuiltinOrigin(origin: RecordOrigin): boolean {
  return origin.segment < 0;
}
