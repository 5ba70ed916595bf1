/**
 * Device nodes every image carries. They are written straight into the archive as newc records with
 * their major:minor numbers, so building an image needs neither root nor mknod.
 *
 * `/dev/console` matters most: the kernel opens it for PID 1's stdin/stdout before running init
 * (init/main.c `console_on_rootfs`); without it rock-init starts with no console at all.
 */
export interface DeviceNode {
  readonly path: string;
  readonly type: 'char-device';
  readonly major: number;
  readonly minor: number;
  readonly mode: number;
}

export const DEVICE_NODES: readonly DeviceNode[] = [
  { path: '/dev/console', type: 'char-device', major: 5, minor: 1, mode: 0o600 },
  { path: '/dev/null', type: 'char-device', major: 1, minor: 3, mode: 0o666 },
  { path: '/dev/ptmx', type: 'char-device', major: 5, minor: 2, mode: 0o666 },
  { path: '/dev/random', type: 'char-device', major: 1, minor: 8, mode: 0o666 },
  { path: '/dev/tty', type: 'char-device', major: 5, minor: 0, mode: 0o666 },
  { path: '/dev/urandom', type: 'char-device', major: 1, minor: 9, mode: 0o666 },
  { path: '/dev/zero', type: 'char-device', major: 1, minor: 5, mode: 0o666 },
];
