import {
  archiveName,
  BUSYBOX_APPLETS,
  BUSYBOX_LINK_DIR,
  BUSYBOX_PATH,
  COMPONENTS,
  CONFIG_FILE_MODE,
  CONFIG_KEY_PATH,
  type ComponentSlot,
  DEVICE_NODES,
  DIRECTORIES,
  INIT_LINK,
  NODE_CONFIG_PATH,
} from '../contract/index.js';
import { type EntryType, type Info, newInfo, type WriteEntry } from '../cpio/index.js';
import { fileContent } from './file-content.js';

/** The component binaries to lay at their contract paths, keyed by contract role. */
export type ComponentFiles = Record<ComponentSlot['role'], string>;

/** Input of {@link layoutContract}: where each file comes from on the build host. */
export interface ContractInputs {
  components: ComponentFiles;
  /** The CONFIG_KEY file; placed at the contract path with mode 0400. */
  configKey?: string;
  /** The node configuration (a file, or its bytes); placed at the contract path with mode 0644. */
  nodeConfig?: string | Uint8Array;
}

/**
 * The entries every ROCK-OS image holds, as the contract in `src/contract` lays them out:
 * the standard directories, the device nodes (written as records, no mknod needed), the four
 * components at their paths with mode 0755, the busybox applet links (relative, `sh -> busybox`),
 * the `/init -> sbin/init` link (see `src/contract/boot.ts` for why), and the config files.
 *
 * Owners and times are left at 0; the image transforms set them. Refuses (INPUT_NOT_FOUND,
 * INPUT_NOT_FILE) an input file that is missing or not a regular file, naming the flag's role.
 */
export function layoutContract(inputs: ContractInputs): WriteEntry[] {
  const entries: WriteEntry[] = [];
  const skeleton = contractSkeleton();
  entries.push(...skeleton.filter((e) => e.info.type === 'directory' || isDevice(e)));
  for (const slot of COMPONENTS) {
    const source = inputs.components[slot.role];
    const content = fileContent(source, `${slot.component} (${source})`);
    entries.push({ info: info(slot.path, 'file', slot.mode, { size: content.size }), content });
  }
  entries.push(...skeleton.filter((e) => e.info.type === 'symlink'));
  if (inputs.configKey !== undefined) {
    const content = fileContent(inputs.configKey, `CONFIG_KEY (${inputs.configKey})`);
    entries.push({ info: info(CONFIG_KEY_PATH, 'file', 0o400, { size: content.size }), content });
  }
  if (typeof inputs.nodeConfig === 'string') {
    const content = fileContent(inputs.nodeConfig, `node config (${inputs.nodeConfig})`);
    entries.push({ info: info(NODE_CONFIG_PATH, 'file', CONFIG_FILE_MODE, { size: content.size }), content });
  } else if (inputs.nodeConfig !== undefined) {
    const content = inputs.nodeConfig;
    entries.push({
      info: info(NODE_CONFIG_PATH, 'file', CONFIG_FILE_MODE, { size: content.length }),
      content,
    });
  }
  return entries;
}

/**
 * What the contract derives without any input file: the directories, the device nodes (as archive
 * records), the busybox applet links (`bin/sh -> busybox`, ...) and `/init -> sbin/init`. Used by
 * {@link layoutContract}, and by `cpio create` to complete a rootfs that lacks some of it.
 */
export function contractSkeleton(): WriteEntry[] {
  const entries: WriteEntry[] = [];
  for (const dir of DIRECTORIES) entries.push(record(dir.path, 'directory', dir.mode));
  for (const dev of DEVICE_NODES) {
    entries.push(record(dev.path, dev.type, dev.mode, { rdevMajor: dev.major, rdevMinor: dev.minor }));
  }
  const busyboxName = BUSYBOX_PATH.slice(BUSYBOX_PATH.lastIndexOf('/') + 1);
  for (const applet of BUSYBOX_APPLETS) {
    entries.push(symlink(`${BUSYBOX_LINK_DIR}/${applet}`, busyboxName));
  }
  entries.push(symlink(INIT_LINK.path, INIT_LINK.target));
  return entries;
}

function isDevice(entry: WriteEntry): boolean {
  return entry.info.type === 'char-device' || entry.info.type === 'block-device';
}

function symlink(path: string, target: string): WriteEntry {
  return { info: info(path, 'symlink', 0o777, { linkTarget: target, size: Buffer.byteLength(target) }) };
}

function record(path: string, type: EntryType, perm: number, extra: Partial<Info> = {}): WriteEntry {
  return { info: info(path, type, perm, extra) };
}

function info(path: string, type: EntryType, perm: number, extra: Partial<Info>): Info {
  return newInfo(archiveName(path), type, perm, { nlink: 1, ...extra });
}
