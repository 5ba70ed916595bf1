/**
 * The ROCK-OS integration contract: every path rock-init has hard-coded.
 *
 * This file is the only place in the suite where these paths are spelled. Every tool imports them
 * from `src/contract` (the image builder lays files here, the verifier checks them, the command-line
 * builder names the init), so a change to rock-init is a change to this one file.
 *
 * Paths are absolute, as the running system sees them. Inside a newc archive the same path is stored
 * without the leading `/` (see {@link archiveName}).
 */

/** A component binary the image must carry at a fixed path. */
export interface ComponentSlot {
  /** The name users give on the command line (`--init`, `--manager`, ...). */
  readonly role: 'init' | 'manager' | 'agent' | 'busybox';
  /** What the component is called outside the image. */
  readonly component: string;
  /** Where rock-init expects it. */
  readonly path: string;
  /** Required permission bits. */
  readonly mode: number;
}

/**
 * rock-init is installed as `/sbin/init` (renamed; never `/sbin/rock-init`), the services where
 * rock-init starts them, busybox where `/bin/sh` points.
 */
export const COMPONENTS: readonly ComponentSlot[] = [
  { role: 'init', component: 'rock-init', path: '/sbin/init', mode: 0o755 },
  { role: 'manager', component: 'rock-manager', path: '/usr/bin/rock-manager', mode: 0o755 },
  { role: 'agent', component: 'volcano-agent', path: '/usr/bin/volcano-agent', mode: 0o755 },
  { role: 'busybox', component: 'busybox', path: '/bin/busybox', mode: 0o755 },
];

/** Looks up the slot of a role; the table above is total, so this never fails. */
export function componentSlot(role: ComponentSlot['role']): ComponentSlot {
  const slot = COMPONENTS.find((c) => c.role === role);
  if (!slot) throw new Error(`no contract slot for ${role}`);
  return slot;
}

/** PID 1 as rock-init expects to be started. */
export const INIT_PATH = '/sbin/init';

/** Directory holding the busybox binary and its applet links. */
export const BUSYBOX_PATH = '/bin/busybox';

/**
 * Applets linked to busybox, each `/bin/<applet> -> busybox` (relative, so the link also resolves
 * when the image is extracted somewhere else). `sh` is the one rock-init needs; the rest are the
 * usual tools an operator expects on a console.
 */
export const BUSYBOX_APPLETS: readonly string[] = [
  'sh',
  'ls',
  'cat',
  'echo',
  'mount',
  'umount',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'chmod',
  'chown',
  'sleep',
  'test',
  'ps',
];

/** The directory where busybox applet links live. */
export const BUSYBOX_LINK_DIR = '/bin';

/** The encryption key rock-init reads; never world-readable. */
export const CONFIG_KEY_PATH = '/config/CONFIG_KEY';

/** Permission modes a CONFIG_KEY may have (owner-only). */
export const CONFIG_KEY_MODES: readonly number[] = [0o400, 0o600];

/** The node configuration rock-init reads. */
export const NODE_CONFIG_PATH = '/config/node.yaml';

/** Mode for configuration files other than the key. */
export const CONFIG_FILE_MODE = 0o644;

/** The only two directories configuration may live in. */
export const CONFIG_DIRS: readonly string[] = ['/config', '/etc/rock'];

/** Directories every image carries (mode 0755, except /tmp which is 1777). */
export const DIRECTORIES: readonly { readonly path: string; readonly mode: number }[] = [
  { path: '/proc', mode: 0o755 },
  { path: '/sys', mode: 0o755 },
  { path: '/dev', mode: 0o755 },
  { path: '/tmp', mode: 0o1777 },
  { path: '/run', mode: 0o755 },
  { path: '/var', mode: 0o755 },
  { path: '/var/log', mode: 0o755 },
  { path: '/sbin', mode: 0o755 },
  { path: '/bin', mode: 0o755 },
  { path: '/usr', mode: 0o755 },
  { path: '/usr/bin', mode: 0o755 },
  { path: '/config', mode: 0o755 },
  { path: '/etc', mode: 0o755 },
  { path: '/etc/rock', mode: 0o755 },
];

/** Converts a contract path (`/sbin/init`) to its name inside a newc archive (`sbin/init`). */
export function archiveName(path: string): string {
  return path.replace(/^\/+/, '');
}
