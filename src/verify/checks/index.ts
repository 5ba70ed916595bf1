/**
 * The contract checks, in the order their failures are reported. Each is a pure function of the
 * unpacked tree (and the options) returning its failures, warnings and the number of checks run.
 */
import type { Check } from '../types.js';
import { checkBusybox } from './busybox.js';
import { checkCmdline } from './cmdline.js';
import { checkComponents } from './components.js';
import { checkConfigContent } from './config-content.js';
import { checkConfigFiles } from './config-key.js';
import { checkConfigPlacement } from './config-placement.js';
import { checkDevices } from './devices.js';
import { checkDirectories } from './directories.js';
import { checkElfDeps } from './elf-deps.js';
import { checkInitLink } from './init-link.js';
import { checkNames } from './names.js';
import { checkOwners } from './owners.js';
import { checkSymlinks } from './symlinks.js';

/** Every check with a stable name. */
export const CHECKS: readonly { readonly name: string; readonly run: Check }[] = [
  { name: 'names', run: checkNames },
  { name: 'components', run: checkComponents },
  { name: 'busybox', run: checkBusybox },
  { name: 'init-link', run: checkInitLink },
  { name: 'directories', run: checkDirectories },
  { name: 'devices', run: checkDevices },
  { name: 'config-files', run: checkConfigFiles },
  { name: 'config-content', run: checkConfigContent },
  { name: 'config-placement', run: checkConfigPlacement },
  { name: 'owners', run: checkOwners },
  { name: 'symlinks', run: checkSymlinks },
  { name: 'elf-deps', run: checkElfDeps },
  { name: 'cmdline', run: checkCmdline },
];

export {
  checkBusybox,
  checkCmdline,
  checkComponents,
  checkConfigContent,
  checkConfigFiles,
  checkConfigPlacement,
  checkDevices,
  checkDirectories,
  checkElfDeps,
  checkInitLink,
  checkNames,
  checkOwners,
  checkSymlinks,
};
