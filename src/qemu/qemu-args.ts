import { BOOT_PARAMS } from '../contract/index.js';
import { InputError } from '../errors/index.js';

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

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/**
 * Builds the argument list for qemu-system-x86_64: no display, no reboot, serial console on
 * stdio, no monitor, KVM with the host CPU or TCG, and a virtio-net NIC only when `mac` is given.
 *
 * Throws InputError `BOOT_BAD_MAC` for a MAC that is not six colon-separated hex bytes.
 */
export function qemuArgs(input: QemuArgsInput): string[] {
  const args = ['-nographic', '-no-reboot', '-m', String(input.memoryMb)];
  args.push('-kernel', input.kernel, '-initrd', input.image, '-append', input.cmdline);
  args.push('-serial', 'stdio', '-monitor', 'none');
  args.push(...(input.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg']));
  if (input.mac === undefined) {
    args.push('-nic', 'none');
  } else {
    if (!MAC.test(input.mac)) {
      throw new InputError(
        'BOOT_BAD_MAC',
        `mac: expected six hex bytes like 52:54:00:12:34:56, got "${input.mac}"`,
        {
          field: 'mac',
          actual: input.mac,
        },
      );
    }
    args.push('-netdev', 'user,id=n0', '-device', `virtio-net-pci,netdev=n0,mac=${input.mac}`);
  }
  return args;
}
