import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { InputError } from '../errors/index.js';
import type { BootOptions, BootStatus, BootVerdict } from './boot-types.js';
import { ConsoleWatcher } from './console-classifier.js';
import { ConsoleLineSplitter } from './console-lines.js';
import { markKvmStalled, probeKvm } from './kvm.js';
import { DEFAULT_CMDLINE, qemuArgs } from './qemu-args.js';

const DEFAULT_QEMU = 'qemu-system-x86_64';
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MEMORY_MB = 256;
/** Once decided, the VM gets this long to power off (or finish its panic report) by itself. */
const GRACE_MS = 5_000;
/**
 * Under `accel: 'auto'`, how long a KVM guest may take to print the kernel's banner (well under a
 * second where KVM works) before it is taken for stalled and the boot is started again under TCG.
 */
const KVM_STALL_MS = 15_000;
const KERNEL_BANNER = /Linux version \d/;
const LAST_LINES = 40;
const STDERR_LIMIT = 8192;

interface Resolved {
  kernel: string;
  image: string;
  cmdline: string;
  expect: string[];
  timeoutMs: number;
  memoryMb: number;
  mac?: string;
  logFile: string;
  qemuBinary: string;
  signal?: AbortSignal;
  onLine?: (line: string, ms: number) => void;
}

function requireFile(file: string, field: 'kernel' | 'image'): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    const code = field === 'kernel' ? 'BOOT_KERNEL_MISSING' : 'BOOT_IMAGE_MISSING';
    throw new InputError(code, `${file}: ${field}: expected an existing file, found nothing`, {
      file,
      field,
    });
  }
  if (!stat.isFile()) {
    throw new InputError(
      'BOOT_NOT_A_FILE',
      `${file}: ${field}: expected a regular file, found another type`,
      {
        file,
        field,
      },
    );
  }
}

function requireInteger(value: number, field: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError('BOOT_BAD_OPTION', `${field}: expected an integer in ${min}..${max}, got ${value}`, {
      field,
      expected: `${min}..${max}`,
      actual: value,
    });
  }
}

function resolve(options: BootOptions): Resolved {
  requireFile(options.kernel, 'kernel');
  requireFile(options.image, 'image');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
  requireInteger(timeoutMs, 'timeoutMs', 1, 24 * 3600 * 1000);
  requireInteger(memoryMb, 'memoryMb', 16, 1024 * 1024);
  const logFile =
    options.logFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rock-boot-')), 'console.log');
  return {
    kernel: options.kernel,
    image: options.image,
    cmdline: options.cmdline ?? DEFAULT_CMDLINE,
    expect: options.expect ?? [],
    timeoutMs,
    memoryMb,
    logFile,
    qemuBinary: options.qemuBinary ?? DEFAULT_QEMU,
    ...(options.mac !== undefined ? { mac: options.mac } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLine ? { onLine: options.onLine } : {}),
  };
}

/** One QEMU run; `consoleLines` lets the caller tell "QEMU failed before the guest said anything". */
interface RunResult {
  verdict: BootVerdict;
  consoleLines: number;
  /** The watchdog stopped a guest that never printed the kernel banner (see KVM_STALL_MS). */
  stalled: boolean;
}

function runQemu(
  opts: Resolved,
  accel: 'kvm' | 'tcg',
  accelReason: string,
  budgetMs: number,
  stallMs?: number,
): Promise<RunResult> {
  const args = qemuArgs({ ...opts, accel });
  const watcher = new ConsoleWatcher(opts.expect);
  const markerMs: (number | null)[] = opts.expect.map(() => null);
  const last: string[] = [];
  const splitter = new ConsoleLineSplitter();
  let log: number;
  try {
    log = fs.openSync(opts.logFile, 'w');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new InputError('BOOT_LOG_NOT_WRITABLE', `${opts.logFile}: console log: cannot write: ${code}`, {
      file: opts.logFile,
      errno: code,
    });
  }
  let lineCount = 0;
  let stderr = '';
  let timedOut = false;
  let aborted = false;
  let interruptedBy: NodeJS.Signals | undefined;
  let spawnError: Error | undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  const start = performance.now();
  const child = spawn(opts.qemuBinary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  // QEMU reads the serial console's input from stdin: keep it open and silent.
  child.stdin.on('error', () => {});

  const kill = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      child.kill('SIGKILL');
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    interruptedBy = sig;
    kill();
    removeListeners();
    // Our listener suppressed Node's default action; restore it unless someone else handles the signal.
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  };
  const onAbort = (): void => {
    aborted = true;
    kill();
  };
  const removeListeners = (): void => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', kill);
    opts.signal?.removeEventListener('abort', onAbort);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', kill);
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const timeout = setTimeout(() => {
    timedOut = true;
    kill();
  }, budgetMs);
  let bannerSeen = false;
  let stalled = false;
  const stallTimer =
    stallMs === undefined
      ? undefined
      : setTimeout(() => {
          if (bannerSeen) return;
          stalled = true;
          kill();
        }, stallMs);

  // Under the stall watchdog, lines wait until the kernel's banner shows the guest runs: a stalled
  // attempt then leaves nothing in the log or in onLine, and the TCG attempt's console is the boot's.
  const held: [string, number][] = [];
  const onLineDone = (line: string): void => {
    const ms = performance.now() - start;
    if (stallMs !== undefined && !bannerSeen) {
      held.push([line, ms]);
      if (!KERNEL_BANNER.test(line)) return;
      bannerSeen = true;
      for (const [l, t] of held.splice(0)) deliver(l, t);
      return;
    }
    deliver(line, ms);
  };
  const deliver = (line: string, ms: number): void => {
    fs.writeSync(log, `${line}\n`);
    last.push(line);
    if (last.length > LAST_LINES) last.shift();
    lineCount += 1;
    const before = watcher.seenCount;
    const wasPending = watcher.status === 'pending';
    const status = watcher.push(line);
    for (let i = before; i < watcher.seenCount; i++) markerMs[i] = ms;
    if (wasPending && status !== 'pending' && status !== 'unpack-failed' && !graceTimer) {
      // Decided: a powered-off or panicked VM ends QEMU by itself (-no-reboot, panic=-1); give it
      // a moment, then stop it (a command line without panic=-1 leaves a panicked VM spinning).
      graceTimer = setTimeout(kill, GRACE_MS);
    }
    opts.onLine?.(line, ms);
  };

  child.stdout.on('data', (chunk: Buffer) => {
    for (const line of splitter.push(chunk)) onLineDone(line);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
  });
  child.on('error', (err) => {
    spawnError = err;
  });

  return new Promise<RunResult>((resolvePromise, rejectPromise) => {
    child.on('close', (code) => {
      for (const line of splitter.end()) onLineDone(line);
      // Ended without a banner but not stalled (QEMU failed at once): its lines are the boot's.
      if (!stalled) for (const [l, t] of held.splice(0)) deliver(l, t);
      const durationMs = performance.now() - start;
      clearTimeout(timeout);
      if (stallTimer) clearTimeout(stallTimer);
      if (graceTimer) clearTimeout(graceTimer);
      removeListeners();
      fs.closeSync(log);
      if (aborted) {
        rejectPromise(opts.signal?.reason ?? new Error('boot aborted'));
        return;
      }

      const onConsole = watcher.finish();
      let status: BootStatus = onConsole.status;
      let reason = onConsole.reason;
      const stderrLine = stderr
        .split('\n')
        .find((l) => l.trim() !== '' && !l.includes('terminating on signal'));
      if (spawnError) {
        status = 'qemu-failed';
        reason = `could not start ${opts.qemuBinary}: ${spawnError.message}`;
      } else if (watcher.status === 'pending' && interruptedBy) {
        status = 'qemu-failed';
        reason = `boot interrupted by ${interruptedBy}, QEMU killed: ${watcher.progress()}`;
      } else if (watcher.status === 'pending' && timedOut) {
        status = 'timeout';
        reason = `no verdict within ${opts.timeoutMs} ms, QEMU killed: ${watcher.progress()}`;
      } else if (watcher.status === 'pending' && code !== 0) {
        status = 'qemu-failed';
        const detail = stderrLine?.trim() ?? (code === null ? 'killed by a signal' : 'no message');
        reason = `${opts.qemuBinary} exited with ${code === null ? 'a signal' : `code ${code}`}: ${detail}`;
      } else if (watcher.status === 'unpack-failed' && timedOut) {
        reason += `; then no verdict within ${opts.timeoutMs} ms, QEMU killed`;
      }
      const passed = status === 'passed';
      resolvePromise({
        consoleLines: lineCount,
        stalled,
        verdict: {
          status,
          passed,
          reason,
          accel,
          accelReason,
          durationMs: Math.round(durationMs),
          markers: opts.expect.map((text, i) => ({
            text,
            ms: markerMs[i] === null || markerMs[i] === undefined ? null : Math.round(markerMs[i]!),
          })),
          ...(onConsole.panicLine !== undefined ? { panicLine: onConsole.panicLine } : {}),
          lastLines: passed ? [] : last,
          logFile: opts.logFile,
          cmdline: opts.cmdline,
          exitCode: spawnError ? null : code,
          qemuPid: child.pid ?? null,
        },
      });
    });
  });
}

/**
 * Boots `image` with `kernel` in QEMU and judges the serial console (see classifyConsole): the
 * verdict says whether the boot passed, why not, and when each expectation appeared (ms since QEMU
 * was spawned). The console is written to `logFile` as it arrives.
 *
 * QEMU is always gone when the promise settles: it is killed (SIGKILL) at `timeoutMs`, 5 s after
 * a verdict if the VM has not ended by itself, on abort, and on SIGINT/SIGTERM of this process.
 * With `accel: 'auto'` and a KVM that fails at start, or a guest that prints no kernel banner within
 * 15 s under KVM (a stall measured on nested machines whose KVM passes the probe), the boot is retried
 * under TCG within what is left of the timeout.
 *
 * Throws InputError `BOOT_KERNEL_MISSING`, `BOOT_IMAGE_MISSING`, `BOOT_NOT_A_FILE`,
 * `BOOT_BAD_OPTION`, `MAC_MALFORMED` or `MAC_NOT_UNICAST` before starting anything; rejects with the signal's reason
 * when aborted. A QEMU that cannot start is a verdict (`qemu-failed`), not an exception.
 */
export async function bootImage(options: BootOptions): Promise<BootVerdict> {
  options.signal?.throwIfAborted();
  const opts = resolve(options);
  const verdict = await bootWithAccel(options, opts);
  // A log we chose the place of is kept only when it explains a failure; a passing boot leaves
  // nothing behind in the temp directory.
  if (options.logFile === undefined && verdict.passed) {
    fs.rmSync(path.dirname(opts.logFile), { recursive: true, force: true });
    return { ...verdict, logFile: '' };
  }
  return verdict;
}

async function bootWithAccel(options: BootOptions, opts: Resolved): Promise<BootVerdict> {
  const requested = options.accel ?? 'auto';
  if (requested !== 'auto')
    return (await runQemu(opts, requested, `${requested} requested`, opts.timeoutMs)).verdict;

  const probe = probeKvm(opts.qemuBinary);
  if (!probe.usable) return (await runQemu(opts, 'tcg', `tcg: ${probe.reason}`, opts.timeoutMs)).verdict;
  const started = performance.now();
  const first = await runQemu(opts, 'kvm', probe.reason, opts.timeoutMs, KVM_STALL_MS);
  if (first.stalled) {
    const why = `tcg: kvm probe passed but the guest printed no kernel banner within ${KVM_STALL_MS} ms under kvm (nested virtualisation?)`;
    markKvmStalled(opts.qemuBinary, why.slice('tcg: '.length));
    const budget = Math.max(1, Math.round(opts.timeoutMs - (performance.now() - started)));
    return (await runQemu(opts, 'tcg', why, budget)).verdict;
  }
  if (first.verdict.status !== 'qemu-failed' || first.consoleLines > 0) return first.verdict;
  const budget = Math.max(1, Math.round(opts.timeoutMs - (performance.now() - started)));
  const why = `tcg: kvm probe passed but the boot under kvm failed (${first.verdict.reason})`;
  return (await runQemu(opts, 'tcg', why, budget)).verdict;
}
