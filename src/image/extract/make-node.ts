import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { EntryType } from '../../cpio/index.js';
import { InputError } from '../../errors/index.js';
import { withFsError } from '../../util/fs-errors.js';

/** Special files: everything that is not a file, directory or symlink. */
export type SpecialType = Extract<EntryType, 'char-device' | 'block-device' | 'fifo' | 'socket'>;

/** Whether `type` is a device node, FIFO or socket. */
export function isSpecial(type: EntryType): type is SpecialType {
  return type === 'char-device' || type === 'block-device' || type === 'fifo' || type === 'socket';
}

const MKNOD_CANDIDATES = ['/usr/bin/mknod', '/bin/mknod'];

/** Node has no mknod(2): the coreutils/busybox tool, by absolute path, no shell. */
function mknodPath(): string {
  const found = MKNOD_CANDIDATES.find((candidate) => fs.existsSync(candidate));
  if (found === undefined)
    throw new Error(`mknod: expected one of ${MKNOD_CANDIDATES.join(', ')}, found none`);
  return found;
}

/**
 * A socket inode, made the only way Node can: bind(2) through listen(). The bind goes to a short
 * temporary name reached through `/proc/self/fd/<dirfd>` (sun_path holds only 108 bytes), is renamed
 * onto `full`, and the server is closed (libuv then unlinks only the temporary name, already gone).
 */
async function makeSocket(full: string): Promise<void> {
  const dir = path.dirname(full);
  const dirFd = withFsError(dir, 'cannot open directory', () =>
    fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW),
  );
  const temp = `.rock-sock-${process.pid}-${randomBytes(4).toString('hex')}`;
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(`/proc/self/fd/${dirFd}/${temp}`, () => resolve());
    });
    withFsError(full, 'cannot create socket', () => fs.renameSync(`${dir}/${temp}`, full));
  } finally {
    await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    fs.rmSync(`${dir}/${temp}`, { force: true });
    fs.closeSync(dirFd);
  }
}

/**
 * Creates a device node, FIFO or socket at `full` (which must not exist: mknod(2) and bind(2) never
 * follow an existing final component) with mode 0600; the real mode is applied later with the others.
 * Needs root for devices. A failure (EPERM, EROFS, ...) is a one-line `FS_ERROR` naming the path.
 */
export async function makeNode(full: string, type: SpecialType, major: number, minor: number): Promise<void> {
  if (type === 'socket') {
    await makeSocket(full);
    return;
  }
  const kind = type === 'fifo' ? ['p'] : [type === 'char-device' ? 'c' : 'b', String(major), String(minor)];
  try {
    // `full` is absolute, so it can never be read as an option.
    execFileSync(mknodPath(), ['-m', '600', full, ...kind], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    // mknod(1) says why in words ("Operation not permitted", "Read-only file system"): one input line.
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    const why = stderr.replace(/^.*: /, '').toLowerCase() || (error as Error).message;
    throw new InputError('FS_ERROR', `${full}: cannot create ${type}: ${why}`, { path: full });
  }
}
