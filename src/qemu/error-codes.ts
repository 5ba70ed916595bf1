/** Stable codes of the errors qemu/ throws itself (besides the common ones of src/errors). */
export const QEMU_ERROR_CODES = [
  'BOOT_BAD_OPTION',
  'BOOT_IMAGE_MISSING',
  'BOOT_KERNEL_MISSING',
  'BOOT_LOG_NOT_WRITABLE',
  'BOOT_NOT_A_FILE',
] as const;
export type QemuErrorCode = (typeof QEMU_ERROR_CODES)[number];
