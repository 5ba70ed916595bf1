import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Whether QEMU can use KVM here, and why (one line). */
export interface KvmProbe {
  usable: boolean;
  reason: string;
}

const DEFAULT_QEMU = 'qemu-system-x86_64';
const PROBE_TIMEOUT_MS = 10_000;
const cache = new Map<string, KvmProbe>();

/**
 * A 64 KiB firmware image whose reset vector (the last 16 bytes, at 0xffff0) does
 * `out 0xf4, al; hlt; jmp $`: port 0xf4 is QEMU's isa-debug-exit, which ends QEMU with status
 * `(al << 1) | 1` = 1 (al is 0 after reset). Exit status 1 therefore proves the guest ran code.
 */
function probeFirmware(): Uint8Array {
  const bios = new Uint8Array(64 * 1024);
  bios.set([0xe6, 0xf4, 0xf4, 0xeb, 0xfe], 0xfff0);
  return bios;
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

function runProbe(qemuBinary: string): KvmProbe {
  if (!fs.existsSync('/dev/kvm')) return { usable: false, reason: '/dev/kvm does not exist' };
  try {
    fs.closeSync(fs.openSync('/dev/kvm', 'r+'));
  } catch (err) {
    return { usable: false, reason: `/dev/kvm does not open read-write: ${(err as Error).message}` };
  }
  // /dev/kvm opening is not enough: under nested virtualisation QEMU may abort when it sets up the
  // vCPU (measured: "failed to set MSR 0x10a" with -cpu host), so run a few guest instructions.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-kvm-'));
  try {
    const bios = path.join(dir, 'probe.bin');
    fs.writeFileSync(bios, probeFirmware());
    const args = ['-accel', 'kvm', '-cpu', 'host', '-bios', bios, '-nodefaults', '-display', 'none'];
    args.push('-monitor', 'none', '-serial', 'none', '-m', '16', '-no-reboot');
    args.push('-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04');
    const run = spawnSync(qemuBinary, args, {
      timeout: PROBE_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
    });
    if (run.error) {
      const timedOut = (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
      const what = timedOut ? `did not finish within ${PROBE_TIMEOUT_MS} ms` : run.error.message;
      return { usable: false, reason: `${qemuBinary} -accel kvm -cpu host probe ${what}` };
    }
    if (run.status === 1)
      return { usable: true, reason: `/dev/kvm works with ${qemuBinary} -accel kvm -cpu host` };
    const detail = firstLine(run.stderr) || `exit status ${run.status ?? run.signal}`;
    return {
      usable: false,
      reason: `/dev/kvm opens but ${qemuBinary} -accel kvm -cpu host fails: ${detail}`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Probes KVM once per QEMU binary (the answer is cached for the process): `/dev/kvm` must exist,
 * open read-write, and QEMU must run guest code with `-accel kvm -cpu host`.
 *
 * Returns whether KVM is usable and a one-line reason; never throws.
 */
export function probeKvm(qemuBinary: string = DEFAULT_QEMU): KvmProbe {
  let probe = cache.get(qemuBinary);
  if (!probe) {
    probe = runProbe(qemuBinary);
    cache.set(qemuBinary, probe);
  }
  return probe;
}

/** Returns true when QEMU can boot with `-accel kvm -cpu host` here (see {@link probeKvm}). */
export function kvmUsable(qemuBinary: string = DEFAULT_QEMU): boolean {
  return probeKvm(qemuBinary).usable;
}

/**
 * Records that a guest stalled under KVM although the probe passed (measured on this project's
 * nested machines: the probe's firmware runs, then a Linux guest stops after "Probing EDD" and never
 * prints its banner). Later probes in this process answer unusable, so every later boot goes
 * straight to TCG instead of waiting for the stall again.
 */
export function markKvmStalled(qemuBinary: string, reason: string): void {
  cache.set(qemuBinary, { usable: false, reason });
}
