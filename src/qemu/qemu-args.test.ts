import { describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { DEFAULT_CMDLINE, qemuArgs } from './qemu-args.js';

const base = {
  kernel: '/k/vmlinuz',
  image: '/i/initrd.img',
  cmdline: DEFAULT_CMDLINE,
  memoryMb: 256,
} as const;

describe('DEFAULT_CMDLINE', () => {
  it('carries the serial console, panic=-1 and both init parameters', () => {
    expect(DEFAULT_CMDLINE).toBe('console=ttyS0 panic=-1 init=/sbin/init rdinit=/sbin/init');
  });
});

describe('qemuArgs', () => {
  it('boots under TCG with no NIC', () => {
    expect(qemuArgs({ ...base, accel: 'tcg' })).toEqual([
      '-nographic',
      '-no-reboot',
      '-m',
      '256',
      '-kernel',
      '/k/vmlinuz',
      '-initrd',
      '/i/initrd.img',
      '-append',
      DEFAULT_CMDLINE,
      '-serial',
      'stdio',
      '-monitor',
      'none',
      '-accel',
      'tcg',
      '-nic',
      'none',
    ]);
  });

  it('uses the host CPU under KVM and adds a virtio-net NIC for a MAC', () => {
    const args = qemuArgs({ ...base, accel: 'kvm', mac: '52:54:00:12:34:56' });
    expect(args.slice(14)).toEqual([
      '-accel',
      'kvm',
      '-cpu',
      'host',
      '-netdev',
      'user,id=n0',
      '-device',
      'virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56',
    ]);
  });

  it('refuses a malformed MAC', () => {
    let caught: unknown;
    try {
      qemuArgs({ ...base, accel: 'tcg', mac: '52:54:00:12:34' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ToolError);
    expect((caught as ToolError).code).toBe('MAC_MALFORMED');
    expect((caught as ToolError).exitCode).toBe(2);
    expect((caught as ToolError).message).toBe(
      'mac: expected a MAC address like a4:58:0f:00:00:01, got "52:54:00:12:34"',
    );
  });

  it('takes the MAC in any spelling the suite accepts, and writes the canonical form', () => {
    const args = qemuArgs({ ...base, accel: 'tcg', mac: ' A4-58-0F-01-00-10\n' });
    expect(args).toContain('virtio-net-pci,netdev=n0,mac=a4:58:0f:01:00:10');
  });
});
