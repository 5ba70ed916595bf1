import { join } from 'node:path';
import { archiveName, COMPONENTS, CONFIG_KEY_MODES, CONFIG_KEY_PATH } from '../contract/index.js';
import { normalizeName, type WriteEntry } from '../cpio/index.js';
import { InputError } from '../errors/index.js';
import { depsEntries } from './deps-input.js';
import { contractSkeleton } from './layout-contract.js';

/** What {@link completeRootfs} returns: the entries to pack and, in words, what it added. */
export interface CompletedRootfs {
  entries: WriteEntry[];
  /** One phrase per kind of thing added (`7 device nodes (as archive records)`); empty when none. */
  added: string[];
}

/**
 * Completes a collected rootfs with what the contract derives and the tree lacks — the directories,
 * the device nodes (as archive records: no root or mknod needed), `/init -> sbin/init`, `/bin/sh` and
 * the busybox applet links, and the loader closure (interpreter, libraries) of dynamically linked
 * components — so a tree laid out as the design lays it (four components, `/bin/sh -> busybox`,
 * `/config/CONFIG_KEY`) packs into an image that passes. What the tree has is never replaced.
 *
 * Refuses (exit 2) only what it cannot supply: a missing component (COMPONENT_MISSING) and a
 * CONFIG_KEY whose mode is not owner-only (KEY_MODE), naming the path in the tree; the loader
 * closure's own refusals (DEPS_MISSING).
 */
export function completeRootfs(rootfs: string, collected: readonly WriteEntry[]): CompletedRootfs {
  const byName = new Map(collected.map((e) => [normalizeName(e.info.name), e]));
  for (const slot of COMPONENTS) {
    const found = byName.get(archiveName(slot.path));
    if (found?.info.type !== 'file') {
      throw new InputError(
        'COMPONENT_MISSING',
        `${join(rootfs, slot.path)}: expected ${slot.component} as a regular file, found ${found ? `a ${found.info.type}` : 'nothing'}; cpio create cannot supply a component (rock-image create lays them from files)`,
        { path: join(rootfs, slot.path), component: slot.component },
      );
    }
  }
  const key = byName.get(archiveName(CONFIG_KEY_PATH));
  if (key !== undefined && !CONFIG_KEY_MODES.includes(key.info.perm)) {
    const path = join(rootfs, CONFIG_KEY_PATH);
    throw new InputError(
      'KEY_MODE',
      `${path}: mode: expected 0400 or 0600, found 0${key.info.perm.toString(8)} (chmod 600 ${path})`,
      { path, perm: key.info.perm },
    );
  }

  const missing = contractSkeleton().filter((e) => !byName.has(e.info.name));
  const closure = depsEntries(
    COMPONENTS.map((slot) => ({ path: join(rootfs, slot.path), label: join(rootfs, slot.path) })),
  ).filter(
    (e) => !byName.has(normalizeName(e.info.name)) && !missing.some((m) => m.info.name === e.info.name),
  );

  const count = (type: string) => missing.filter((e) => e.info.type === type).length;
  const devices = count('char-device') + count('block-device');
  const links = missing.filter((e) => e.info.type === 'symlink');
  const added = [
    count('directory') > 0 ? `${count('directory')} directories` : '',
    devices > 0 ? `${devices} device nodes (as archive records)` : '',
    links.length > 0 ? `${links.length} symlinks (${links.map((l) => `/${l.info.name}`).join(' ')})` : '',
    closure.length > 0
      ? `${closure.length} loader files of dynamic components (${closure.map((e) => `/${e.info.name}`).join(' ')})`
      : '',
  ].filter((s) => s !== '');
  return { entries: [...collected, ...missing, ...closure], added };
}
