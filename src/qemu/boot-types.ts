/** How to boot an image in QEMU. */
export interface BootOptions {
  /** Path of the kernel (bzImage), e.g. Debian's vmlinuz. */
  kernel: string;
  /** Path of the initramfs image, passed as `-initrd`. */
  image: string;
  /** Kernel command line; default {@link DEFAULT_CMDLINE}. */
  cmdline?: string;
  /** Substrings that must appear on the console, in this order; default none. */
  expect?: string[];
  /** Hard limit on the boot's wall time; default 60 000. */
  timeoutMs?: number;
  /** Guest memory; default 256. */
  memoryMb?: number;
  /** When given, the VM gets a virtio-net NIC with this MAC on QEMU user-mode networking. */
  mac?: string;
  /** Where the serial console is written (without `\r`); default a new temp file. */
  logFile?: string;
  /** Default `auto`: KVM when {@link kvmUsable}, else TCG. */
  accel?: 'auto' | 'kvm' | 'tcg';
  /** Default `qemu-system-x86_64` (looked up on PATH). */
  qemuBinary?: string;
  /** Aborting kills QEMU; `bootImage` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called for each console line as it arrives, with the ms since QEMU was spawned. */
  onLine?: (line: string, ms: number) => void;
}

/** What a boot came to. */
export type BootStatus =
  | 'passed'
  | 'panic'
  | 'init-failed'
  | 'unpack-failed'
  | 'timeout'
  | 'expectation-missing'
  | 'qemu-failed';

/** An expectation and when it was seen: ms since QEMU was spawned, `null` if never. */
export interface BootMarker {
  text: string;
  ms: number | null;
}

/** The outcome of {@link bootImage}. */
export interface BootVerdict {
  status: BootStatus;
  passed: boolean;
  /** One line saying why. */
  reason: string;
  accel: 'kvm' | 'tcg';
  /** Why this accelerator (e.g. why KVM was not used). */
  accelReason: string;
  /** From spawning QEMU to its exit. */
  durationMs: number;
  markers: BootMarker[];
  /** The `Kernel panic - not syncing: ...` line, when there was one. */
  panicLine?: string;
  /** The last 40 console lines when the boot did not pass; empty when it passed. */
  lastLines: string[];
  /**
   * The serial console log. Empty when no `logFile` was asked for and the boot passed: the
   * temporary log is then removed (a failed boot keeps it, for reading).
   */
  logFile: string;
  cmdline: string;
  /** QEMU's exit code; `null` when it was killed (timeout, grace period over) or never started. */
  exitCode: number | null;
  /** QEMU's process id (gone by the time the verdict is returned); `null` if it never started. */
  qemuPid: number | null;
}
