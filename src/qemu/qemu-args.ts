import { BOOT_PARAMS } from '../contract/index.js';
import { parseNicMac } from '../net/index.js';

/**
 * The default kernel command line: serial console, reboot at once on panic (with `-no-reboot` QEMU
 * then exits instead of rebooting), and the contract's init parameters.
 */
export const DEFAULT_CMDLINE: string = ['console=ttyS0', 'panic=-1', ...BOOT_PARAMS].join(' ');

/** What {@link qemuArgs} needs, every option resolved. */
export interface QemuArgsInput {
  kernel: string;
  image: string;
  cmdline: string;
  memoryMb: number;
  accel: 'kvm' | 'tcg';
  mac?: string;
}

/**
 * Builds the argument list for qemu-system-x86_64: no display, no reboot, serial console on
 * stdio, no monitor, KVM with the host CPU or TCG, and a virtio-net NIC only when `mac` is given.
 *
 * Throws InputError `MAC_MALFORMED` or `MAC_NOT_UNICAST` for a MAC a NIC cannot have (the suite's one
 * MAC parser: trimmed, any case, `:` or `-`).
 */
export function qemuArgs(input: QemuArgsInput): string[] {
  const args = ['-nographic', '-no-reboot', '-m', String(input.memoryMb)];
  args.push('-kernel', input.kernel, '-initrd', input.image, '-append', input.cmdline);
  args.push('-serial', 'stdio', '-monitor', 'none');
  args.push(...(input.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg']));
  if (input.mac === undefined) {
    args.push('-nic', 'none');
  } else {
    const mac = parseNicMac(input.mac, 'mac');
    args.push('-netdev', 'user,id=n0', '-device', `virtio-net-pci,netdev=n0,mac=${mac}`);
  }
  return args;
}
