/** Every path the contract names: failures there are fatal, elsewhere some are only warnings. */
import {
  BUSYBOX_APPLETS,
  BUSYBOX_LINK_DIR,
  COMPONENTS,
  CONFIG_DIRS,
  CONFIG_KEY_PATH,
  DEVICE_NODES,
  DIRECTORIES,
  INIT_LINK,
  NODE_CONFIG_PATH,
} from '../../contract/index.js';
import { joinPath } from '../path-walk.js';

/** The absolute paths of busybox applet links, `/bin/sh` first. */
export function appletPaths(): string[] {
  return BUSYBOX_APPLETS.map((a) => joinPath(BUSYBOX_LINK_DIR, a));
}

/** All contract paths: components, applet links, the init link, devices, directories, configuration. */
export function contractPaths(): Set<string> {
  return new Set([
    ...COMPONENTS.map((c) => c.path),
    ...appletPaths(),
    INIT_LINK.path,
    ...DEVICE_NODES.map((d) => d.path),
    ...DIRECTORIES.map((d) => d.path),
    CONFIG_KEY_PATH,
    NODE_CONFIG_PATH,
    ...CONFIG_DIRS,
  ]);
}
