export { BOOT_PARAMS, INIT_LINK, KERNEL_DEFAULT_RDINIT, KERNEL_FALLBACK_INITS } from './boot.js';
export { DEVICE_NODES, type DeviceNode } from './devices.js';
export {
  archiveName,
  BUSYBOX_APPLETS,
  BUSYBOX_LINK_DIR,
  BUSYBOX_PATH,
  COMPONENTS,
  CONFIG_DIRS,
  CONFIG_FILE_MODE,
  CONFIG_KEY_MODES,
  CONFIG_KEY_PATH,
  type ComponentSlot,
  componentSlot,
  DIRECTORIES,
  INIT_PATH,
  NODE_CONFIG_PATH,
} from './paths.js';
