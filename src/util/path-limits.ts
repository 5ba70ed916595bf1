/**
 * Linux's path limits, the one spelling of each in the suite (include/uapi/linux/limits.h).
 * The kernel's initramfs unpacker and every path syscall use them.
 */

/** `PATH_MAX`: bytes of a path including its terminating NUL; a path has at most PATH_MAX - 1 bytes. */
export const PATH_MAX = 4096;

/** `NAME_MAX`: bytes of one path component (tmpfs/ramfs; longer ones fail with ENAMETOOLONG). */
export const NAME_MAX = 255;
