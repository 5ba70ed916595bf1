import { KERNEL_DEFAULT_RDINIT } from '../contract/index.js';

/** Where a watched console stands after a line: `pending` until something decides the boot. */
export type ConsoleStatus = 'pending' | 'passed' | 'panic' | 'init-failed' | 'unpack-failed';

/** One expectation and the index of the console line where it was seen (`null`: not seen). */
export interface ConsoleMarker {
  text: string;
  line: number | null;
}

/** The verdict on a complete console log (the VM has ended). */
export interface ConsoleVerdict {
  status: 'passed' | 'panic' | 'init-failed' | 'unpack-failed' | 'expectation-missing';
  /** One line saying why. */
  reason: string;
  markers: ConsoleMarker[];
  /** The `Kernel panic - not syncing: ...` line, when there was one. */
  panicLine?: string;
  /** Index of the line that decided the status; `null` when the end of the log did. */
  decidedAt: number | null;
}

// Messages of init/initramfs.c and init/main.c (Linux 6.1), as printed on the console.
const UNPACK_FAILED = /Initramfs unpacking failed:?\s*(.*)$/;
const PANIC = /Kernel panic - not syncing: (.*)$/;
// Panics that mean PID 1 could not run or died, rather than a kernel problem.
const INIT_PANIC = /^(Requested init \S+ failed.*|No working init found.*|Attempted to kill init!.*)$/;
// pr_err lines printed when an init candidate exists but cannot be executed.
const INIT_ERROR = /(Failed to execute \S+.*|Starting init: \S+ exists but couldn't execute it.*)$/;
const VFS_NO_ROOT = /^VFS: Unable to mount root fs/;

/** What an exec errno printed by the kernel usually means for an init binary. */
function errnoHint(text: string): string {
  const code = /error (-?\d+)/.exec(text)?.[1];
  switch (code) {
    case '-2':
      return ' (ENOENT: the file or its ELF interpreter is missing; a dynamically linked init?)';
    case '-8':
      return ' (ENOEXEC: not an executable format this kernel runs)';
    case '-13':
      return ' (EACCES: not executable; check the mode bits)';
    default:
      return '';
  }
}

function panicReason(cause: string): string {
  if (VFS_NO_ROOT.test(cause)) {
    // init/main.c: with no rdinit program in the rootfs the kernel mounts a root device, and an
    // initramfs-only boot has none.
    return (
      `kernel panic: ${cause}: the kernel found no rdinit program in the initramfs ` +
      `(default ${KERNEL_DEFAULT_RDINIT}, or rdinit=) and fell back to mounting a root device`
    );
  }
  return `kernel panic: ${cause}`;
}

function initReason(text: string): string {
  if (text.startsWith('Attempted to kill init!')) return `init failed: PID 1 exited (${text})`;
  return `init failed: ${text}${errnoHint(text)}`;
}

/**
 * Watches a console line by line and says, after each line, whether the boot is decided.
 *
 * First decisive line wins, in time order: a kernel panic, an init that cannot run or exits, or
 * all expectations seen in order (each a substring of some line, later than the previous one's
 * line or on the same line). Exception: `Initramfs unpacking failed` always wins, even over a
 * pass, since the kernel goes on with a partial rootfs after it and such an image must never pass.
 */
export class ConsoleWatcher {
  private readonly expect: readonly string[];
  private readonly seen: (number | null)[];
  private next = 0;
  private index = -1;
  private current: ConsoleStatus = 'pending';
  private why = '';
  private decidedLine: number | null = null;
  private firstPanic: string | undefined;
  private unpackFollowUp: string | undefined;
  private lastLine = '';

  constructor(expect: readonly string[]) {
    this.expect = expect;
    this.seen = expect.map(() => null);
  }

  /** The status after the lines pushed so far. */
  get status(): ConsoleStatus {
    return this.current;
  }

  /** How many expectations have been seen so far (they are matched in order). */
  get seenCount(): number {
    return this.next;
  }

  /** Each expectation with the index of the line where it was seen. */
  get markers(): ConsoleMarker[] {
    return this.expect.map((text, i) => ({ text, line: this.seen[i] ?? null }));
  }

  /** Feeds the next console line; returns the status after it. */
  push(line: string): ConsoleStatus {
    this.index += 1;
    this.lastLine = line;
    while (this.next < this.expect.length && line.includes(this.expect[this.next]!)) {
      this.seen[this.next] = this.index;
      this.next += 1;
    }

    const unpack = UNPACK_FAILED.exec(line);
    const panic = PANIC.exec(line);
    if (panic && this.firstPanic === undefined) this.firstPanic = line.trim();
    const initError = INIT_ERROR.exec(line);

    let event: { status: Exclude<ConsoleStatus, 'pending'>; reason: string } | undefined;
    if (unpack) {
      event = { status: 'unpack-failed', reason: `Initramfs unpacking failed: ${unpack[1] || 'no detail'}` };
    } else if (panic) {
      const cause = panic[1]!.trim();
      event = INIT_PANIC.test(cause)
        ? { status: 'init-failed', reason: initReason(cause) }
        : { status: 'panic', reason: panicReason(cause) };
    } else if (initError) {
      event = { status: 'init-failed', reason: initReason(initError[1]!.trim()) };
    } else if (this.expect.length > 0 && this.next === this.expect.length) {
      event = { status: 'passed', reason: `all ${this.expect.length} expectations seen in order` };
    }
    if (event) this.record(event.status, event.reason);
    return this.current;
  }

  private record(status: Exclude<ConsoleStatus, 'pending'>, reason: string): void {
    if (status === 'unpack-failed' && this.current !== 'unpack-failed') {
      // Overrides anything decided before: a partially unpacked image never passes.
      this.current = status;
      this.why = reason;
      this.decidedLine = this.index;
      return;
    }
    if (this.current === 'pending') {
      this.current = status;
      this.why = reason;
      this.decidedLine = this.index;
    } else if (
      this.current === 'unpack-failed' &&
      this.unpackFollowUp === undefined &&
      status !== 'unpack-failed'
    ) {
      this.unpackFollowUp = status === 'passed' ? 'all expectations were still seen' : reason;
    }
  }

  /** A one-line account of the progress so far, for a boot cut short (timeout). */
  progress(): string {
    const seen = this.next;
    const missing = this.expect[seen];
    const expectations =
      missing === undefined
        ? 'all expectations seen'
        : `waiting for "${missing}" (${seen} of ${this.expect.length} seen)`;
    const last = this.lastLine === '' ? 'no console output' : `last console line "${this.lastLine.trim()}"`;
    return `${expectations}; ${last}`;
  }

  /** The verdict once the console has ended (QEMU exited). */
  finish(): ConsoleVerdict {
    const base = { markers: this.markers, ...(this.firstPanic ? { panicLine: this.firstPanic } : {}) };
    if (this.current === 'unpack-failed') {
      const after = this.unpackFollowUp
        ? `; the kernel went on with a partial rootfs: ${this.unpackFollowUp}`
        : '';
      return { ...base, status: 'unpack-failed', reason: this.why + after, decidedAt: this.decidedLine };
    }
    if (this.current !== 'pending') {
      return { ...base, status: this.current, reason: this.why, decidedAt: this.decidedLine };
    }
    if (this.next === this.expect.length) {
      // No expectations given: a VM that ends with no panic and no init failure passed.
      return {
        ...base,
        status: 'passed',
        reason: 'the VM ended with no panic and no init failure',
        decidedAt: null,
      };
    }
    return {
      ...base,
      status: 'expectation-missing',
      reason: `the console ended without "${this.expect[this.next]}" (${this.next} of ${this.expect.length} expectations seen)`,
      decidedAt: null,
    };
  }
}

/**
 * Classifies a complete console log (the VM has ended) against expected substrings.
 *
 * Returns the verdict: `unpack-failed` whenever the kernel reported `Initramfs unpacking failed`;
 * otherwise the first of a kernel panic (`panic`), an init that could not run or exited
 * (`init-failed`), or all expectations seen in order (`passed`); `expectation-missing` when the
 * log ends first. With no expectations, a log with none of those failures passes.
 */
export function classifyConsole(lines: readonly string[], expect: readonly string[]): ConsoleVerdict {
  const watcher = new ConsoleWatcher(expect);
  for (const line of lines) watcher.push(line);
  return watcher.finish();
}
