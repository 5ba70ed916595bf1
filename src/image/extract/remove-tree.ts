import fs from 'node:fs';

const OPEN_DIRECTORY = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;

/** A directory being emptied: its descriptor, its name in its parent, the subdirectories left to remove. */
interface Frame {
  fd: number;
  name: Buffer;
  subdirectories: Buffer[];
}

const inDir = (fd: number, name: Buffer): Buffer =>
  Buffer.concat([Buffer.from(`/proc/self/fd/${fd}/`), name]);

/**
 * Removes the tree at `root` (a directory this run made), whatever its depth: iterative, one
 * descriptor per level and every call relative to it through `/proc/self/fd`, so neither the stack
 * (Node's recursive `rmSync` overflows at about 2,000 levels) nor PATH_MAX (4,096 bytes of full path)
 * stops it. Symlinks are unlinked, never followed; a directory we made 0500 is made 0700 first so
 * it can be emptied. Without procfs, Node's recursive removal.
 */
export function removeTree(root: string): void {
  const rootFd = fs.openSync(root, OPEN_DIRECTORY);
  if (!procWorks(rootFd)) {
    fs.closeSync(rootFd);
    fs.rmSync(root, { recursive: true, force: true });
    return;
  }
  const stack: Frame[] = [];
  try {
    try {
      stack.push(enter(rootFd, Buffer.alloc(0)));
    } catch (error) {
      fs.closeSync(rootFd);
      throw error;
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as Frame;
      const next = top.subdirectories.pop();
      if (next !== undefined) {
        const fd = fs.openSync(inDir(top.fd, next), OPEN_DIRECTORY);
        try {
          stack.push(enter(fd, next));
        } catch (error) {
          fs.closeSync(fd);
          throw error;
        }
        continue;
      }
      stack.pop();
      fs.closeSync(top.fd);
      const parent = stack[stack.length - 1];
      if (parent !== undefined) fs.rmdirSync(inDir(parent.fd, top.name));
    }
  } finally {
    for (const frame of stack) closeQuietly(frame.fd);
  }
  fs.rmdirSync(root);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed.
  }
}

/** Opens a level: unlinks every non-directory in it and lists its subdirectories. */
function enter(fd: number, name: Buffer): Frame {
  fs.fchmodSync(fd, 0o700);
  const subdirectories: Buffer[] = [];
  const dirPath = `/proc/self/fd/${fd}`;
  for (const entry of fs.readdirSync(dirPath, { encoding: 'buffer', withFileTypes: true })) {
    const entryName = entry.name as unknown as Buffer;
    if (entry.isDirectory()) subdirectories.push(entryName);
    else fs.unlinkSync(inDir(fd, entryName));
  }
  return { fd, name, subdirectories };
}

function procWorks(fd: number): boolean {
  try {
    const viaProc = fs.statSync(`/proc/self/fd/${fd}`);
    const direct = fs.fstatSync(fd);
    return viaProc.ino === direct.ino && viaProc.dev === direct.dev;
  } catch {
    return false;
  }
}
