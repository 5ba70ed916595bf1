/**
 * Takes what a kernel package holds for us out of its data tar: the kernel, its config, System.map
 * and the modules tree. Every member name is checked first, whether we keep the member or not: a
 * package with a `..` or absolute member name is refused whole, never partly extracted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openApkTar, openDebData, type PackageTar, readTar, type TarMember } from '../archive/index.js';
import { hexOffset, InputError } from '../errors/index.js';
import { makeDirs } from '../util/make-dirs.js';
import { moduleNameOfPath } from './modules-dep.js';

/** What {@link extractKernelFiles} found and wrote. */
export interface ExtractedFiles {
  /** The member the kernel came from, e.g. `boot/vmlinuz-6.1.0-56-cloud-amd64`. */
  kernelMember?: string;
  configMember?: string;
  systemMapMember?: string;
  /** The `<release>` of `lib/modules/<release>/`, when the package has modules. */
  modulesRelease?: string;
  /** Module files (`*.ko`, `*.ko.xz`, ...) written under `modules/`. */
  moduleFiles: number;
  /** Members we would have kept but could not (symlinks such as `build`), with the reason. */
  skipped: string[];
}

/**
 * Checks one member name and returns it without a leading `./` (`''` for the archive root).
 *
 * Refuses (InputError `ARCHIVE_UNSAFE_PATH`) absolute names and names with a `..` component: tar
 * would write such a member outside the directory it extracts into.
 */
export function safeMemberName(name: string, file: string, offset: number): string {
  const refuse = (why: string): never => {
    throw new InputError(
      'ARCHIVE_UNSAFE_PATH',
      `${file}:${hexOffset(offset)}: member ${JSON.stringify(name)}: ${why}; refusing the whole archive`,
      { file, offset, member: name },
    );
  };
  if (name.startsWith('/')) refuse('absolute path');
  if (name.includes('\0')) refuse('NUL in name');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) refuse("contains a '..' component");
  return parts.join('/');
}

type Slot = 'vmlinuz' | 'config' | 'System.map';
const BOOT_FILES: readonly { prefix: string; slot: Slot }[] = [
  { prefix: 'boot/vmlinuz', slot: 'vmlinuz' },
  { prefix: 'boot/config', slot: 'config' },
  { prefix: 'boot/System.map', slot: 'System.map' },
];
// Debian's merged /usr may move modules to usr/lib/modules; both spellings are the same tree.
const MODULE_ROOTS = ['lib/modules/', 'usr/lib/modules/'];

/**
 * Reads the tar stream `source` (already decompressed) of package `file` and writes into `dest`:
 * `vmlinuz`, `config`, `System.map` and `modules/...` (the contents of `lib/modules/<release>/`).
 *
 * Refuses (InputError) unsafe member names (`ARCHIVE_UNSAFE_PATH`), a package with two kernels, two
 * configs or two module trees (`KERNEL_PACKAGE_AMBIGUOUS`), and one with no kernel at all
 * (`KERNEL_PACKAGE_NO_KERNEL`).
 */
export async function extractKernelFiles(
  source: AsyncIterable<Uint8Array>,
  file: string,
  dest: string,
): Promise<ExtractedFiles> {
  const found: ExtractedFiles = { moduleFiles: 0, skipped: [] };
  const slotMember: Partial<Record<Slot, string>> = {};
  const target = (member: TarMember): string | undefined => {
    const name = safeMemberName(member.name, file, member.offset);
    const boot = BOOT_FILES.find((b) => name === b.prefix || name.startsWith(`${b.prefix}-`));
    if (boot) {
      if (member.type !== 'file') return undefined;
      const before = slotMember[boot.slot];
      if (before !== undefined && before !== name) {
        throw new InputError(
          'KERNEL_PACKAGE_AMBIGUOUS',
          `${file}: holds two ${boot.slot} files (${before}, ${name}); add the kernel file itself instead`,
          { file, members: [before, name] },
        );
      }
      slotMember[boot.slot] = name;
      return path.join(dest, boot.slot);
    }
    const root = MODULE_ROOTS.find((r) => name.startsWith(r));
    if (!root) return undefined;
    const [release, ...rest] = name.slice(root.length).split('/');
    if (!release) return undefined;
    if (found.modulesRelease !== undefined && found.modulesRelease !== release) {
      throw new InputError(
        'KERNEL_PACKAGE_AMBIGUOUS',
        `${file}: holds modules of two releases (${found.modulesRelease}, ${release})`,
        { file, releases: [found.modulesRelease, release] },
      );
    }
    found.modulesRelease = release;
    if (rest.length === 0 || member.type === 'directory') return undefined;
    if (member.type !== 'file') {
      // We never create links: a link in the store could point anywhere (Debian's `build` does).
      found.skipped.push(`${name} (${member.type} -> ${member.linkName})`);
      return undefined;
    }
    if (moduleNameOfPath(name) !== undefined) found.moduleFiles += 1;
    return path.join(dest, 'modules', ...rest);
  };

  let out: string | undefined;
  const want = (member: TarMember): boolean => {
    out = target(member);
    return out !== undefined;
  };
  for await (const item of readTar(source, file, want)) {
    if (!item.data || out === undefined) continue;
    makeDirs(path.dirname(out));
    await pipeline(item.data, fs.createWriteStream(out, { mode: 0o644 }));
  }
  found.kernelMember = slotMember.vmlinuz;
  found.configMember = slotMember.config;
  found.systemMapMember = slotMember['System.map'];
  if (found.kernelMember === undefined) {
    throw new InputError(
      'KERNEL_PACKAGE_NO_KERNEL',
      `${file}: holds no boot/vmlinuz*: not a kernel image package`,
      {
        file,
      },
    );
  }
  return found;
}

/**
 * Extracts the kernel, config, System.map and modules of the .deb at `file` into `dest`. Refuses what
 * `openDebData` refuses (not a binary package, unknown data compression) and what
 * {@link extractKernelFiles} refuses.
 */
export async function extractDeb(file: string, dest: string): Promise<ExtractedFiles> {
  return extractPackage(openDebData(file), dest);
}

/**
 * Extracts the kernel, config, System.map and modules of the .apk at `file` into `dest`. Refuses
 * corrupt gzip (`DECOMPRESS_FAILED`) and what {@link extractKernelFiles} refuses.
 */
export async function extractApk(file: string, dest: string): Promise<ExtractedFiles> {
  return extractPackage(openApkTar(file), dest);
}

function extractPackage({ tar, source }: PackageTar, dest: string): Promise<ExtractedFiles> {
  return extractKernelFiles(tar, source, dest);
}
