/**
 * `rock-kernel add`: a bzImage, a Debian .deb or an Alpine .apk becomes a store entry. The kind is
 * told by the file's first bytes, never by its name (a downloaded file may be named anything).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { AR_MAGIC } from '../archive/index.js';
import { InputError } from '../errors/index.js';
import { errnoText, withNodeFsErrors } from '../util/fs-errors.js';
import { releaseTemp, trackTemp } from '../util/live-temp-files.js';
import { makeDirs } from '../util/make-dirs.js';
import { BZIMAGE_HEAD_BYTES, parseBzImage } from './bzimage.js';
import { readKernelConfigInput } from './config-input.js';
import { findModuleFiles, generateModulesDep } from './modules-dep.js';
import { type ExtractedFiles, extractApk, extractDeb } from './package-extract.js';
import {
  checkKernelName,
  commitKernel,
  type KernelMeta,
  kernelsDir,
  refuseExisting,
  type StoredKernel,
} from './store.js';

/** Options of {@link addKernel}. */
export interface AddOptions {
  /** Store under this name instead of the kernel release. */
  name?: string;
  /** Replace an entry of the same name. */
  force?: boolean;
  /** For a bare bzImage: its config (default: `config-<suffix>` beside a `vmlinuz-<suffix>`). */
  config?: string;
  /** For a bare bzImage: its System.map (default: `System.map-<suffix>` beside it). */
  systemMap?: string;
  /** For a bare bzImage: its `lib/modules/<release>` directory. */
  modules?: string;
  /** Recorded as the source's origin instead of the file path (fetch records the URL). */
  origin?: string;
  /** `ROCK_HOME` (the store is `<home>/kernels`). */
  home: string;
  /** Progress lines for stderr. */
  onStep?: (text: string) => void;
}

/** The kind of a kernel source file, from its first bytes. */
export function sourceKind(file: string): KernelMeta['source']['kind'] {
  const head = Buffer.alloc(8);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 8, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.toString('latin1') === AR_MAGIC) return 'deb';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'apk';
  return 'bzimage';
}

/**
 * Adds the kernel in `source` to the store and returns the new entry (the default one if there was
 * none). Everything is built in a temporary directory beside the store and renamed into place; on any
 * failure nothing is left behind.
 *
 * Refuses (InputError): a missing source (`KERNEL_SOURCE_MISSING`), a file that is not a kernel
 * (`KERNEL_NOT_BZIMAGE`, with the reason), packages with unsafe member names (`ARCHIVE_UNSAFE_PATH`),
 * modules of another release than the kernel's (`KERNEL_MODULES_MISMATCH`), an existing name without
 * `force` (`KERNEL_EXISTS`), a bad `name` (`KERNEL_BAD_NAME`), any filesystem failure (`FS_ERROR`,
 * the path and the errno in words).
 */
export function addKernel(source: string, options: AddOptions): Promise<StoredKernel> {
  // ROCK_HOME read-only, under /sys, below a file...: the user's situation, said in words (exit 2).
  return withNodeFsErrors(() => addKernelUnchecked(source, options));
}

async function addKernelUnchecked(source: string, options: AddOptions): Promise<StoredKernel> {
  const home = options.home;
  if (options.name !== undefined) checkKernelName(options.name);
  checkSource(source);
  // Known before reading the package: say so at once (commitKernel checks again at the end).
  if (options.name !== undefined && !options.force) refuseExisting(options.name, home);
  const step = options.onStep ?? (() => {});
  makeDirs(kernelsDir(home));
  const temp = fs.mkdtempSync(path.join(kernelsDir(home), '.add-'));
  // Interrupted (SIGINT, SIGTERM, SIGHUP) while building: the half-built entry goes too.
  trackTemp(temp, { recursive: true });
  try {
    const kind = sourceKind(source);
    if (kind !== 'bzimage') step(`reading ${path.basename(source)} (${kind} package)`);
    const extracted = await extract(kind, source, temp, options);
    const vmlinuz = path.join(temp, 'vmlinuz');
    const header = parseBzImage(readHead(vmlinuz), extracted.kernelMember ?? source);
    const name = checkKernelName(options.name ?? header.release);
    const modulesDir = path.join(temp, 'modules');
    let modulesDepGenerated = false;
    if (extracted.modulesRelease !== undefined && extracted.modulesRelease !== header.release) {
      throw new InputError(
        'KERNEL_MODULES_MISMATCH',
        `${source}: modules are for ${extracted.modulesRelease}, the kernel is ${header.release}: they would not load`,
        { file: source, modules: extracted.modulesRelease, kernel: header.release },
      );
    }
    if (extracted.moduleFiles > 0 && !fs.existsSync(path.join(modulesDir, 'modules.dep'))) {
      // Debian ships no modules.dep: its postinst runs depmod.
      step(`writing modules.dep for ${extracted.moduleFiles} modules`);
      const generated = await generateModulesDep(modulesDir);
      fs.writeFileSync(path.join(modulesDir, 'modules.dep'), generated.dep);
      fs.writeFileSync(path.join(modulesDir, 'modules.alias'), generated.alias);
      modulesDepGenerated = true;
    }
    const meta: KernelMeta = {
      name,
      release: header.release,
      versionString: header.versionString,
      protocol: header.protocol,
      source: { kind, origin: options.origin ?? path.resolve(source), sha256: await sha256File(source) },
      vmlinuzSha256: await sha256File(vmlinuz),
      vmlinuzBytes: fs.statSync(vmlinuz).size,
      hasConfig: fs.existsSync(path.join(temp, 'config')),
      hasSystemMap: fs.existsSync(path.join(temp, 'System.map')),
      moduleCount: extracted.moduleFiles,
      modulesDepGenerated,
      skipped: extracted.skipped,
      addedAt: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(temp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    fs.chmodSync(temp, 0o755);
    return await commitKernel(temp, name, Boolean(options.force), home);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
    releaseTemp(temp);
  }
}

/** Refuses a source that is missing, not a file, or an initramfs image (not a kernel), saying which. */
function checkSource(source: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch (err) {
    throw new InputError(
      'KERNEL_SOURCE_MISSING',
      `${source}: expected a kernel file, .deb or .apk, found nothing (${errnoText(err)})`,
      { file: source },
    );
  }
  if (!st.isFile()) {
    throw new InputError(
      'KERNEL_SOURCE_MISSING',
      `${source}: expected a kernel file, .deb or .apk, found ${st.isDirectory() ? 'a directory' : 'a special file'}`,
      { file: source },
    );
  }
  const image = initramfsKind(source);
  if (image !== undefined) {
    throw new InputError(
      'KERNEL_SOURCE_IS_IMAGE',
      `${source}: expected a kernel file, .deb or .apk, found an initramfs image (${image}); boot it with rock-kernel boot --image ${source}`,
      { file: source },
    );
  }
}

/** `gzip-compressed cpio` when the file is a cpio archive (plain or gzip'd), else undefined. */
function initramfsKind(file: string): string | undefined {
  const head = Buffer.alloc(64 * 1024);
  const fd = fs.openSync(file, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const bytes = head.subarray(0, n);
  const isCpio = (b: Uint8Array) => /^07070[12]/.test(Buffer.from(b.subarray(0, 6)).toString('latin1'));
  if (isCpio(bytes)) return 'a newc cpio archive';
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return undefined;
  try {
    // Only the start: a sync flush inflates what the first bytes hold without needing the end.
    const start = zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    return isCpio(start) ? 'gzip-compressed cpio' : undefined;
  } catch {
    return undefined;
  }
}

async function extract(
  kind: KernelMeta['source']['kind'],
  source: string,
  temp: string,
  options: AddOptions,
): Promise<ExtractedFiles> {
  if (kind === 'deb') return extractDeb(source, temp);
  if (kind === 'apk') return extractApk(source, temp);
  parseBzImage(readHead(source), source); // refuse a non-kernel before copying anything
  fs.copyFileSync(source, path.join(temp, 'vmlinuz'));
  const suffix = /^vmlinu[xz]-(.+)$/.exec(path.basename(source))?.[1];
  const beside = (prefix: string) =>
    suffix ? path.join(path.dirname(source), `${prefix}-${suffix}`) : undefined;
  const config = options.config ?? existing(beside('config'));
  const systemMap = options.systemMap ?? existing(beside('System.map'));
  // Parsed before it is stored: garbage never replaces a good config (gzip and IKCONFIG forms are
  // stored as the plain text `check` reads).
  if (config) fs.writeFileSync(path.join(temp, 'config'), readKernelConfigInput(config));
  if (systemMap) fs.copyFileSync(systemMap, path.join(temp, 'System.map'));
  const found: ExtractedFiles = { kernelMember: source, moduleFiles: 0, skipped: [] };
  if (options.modules) {
    fs.cpSync(options.modules, path.join(temp, 'modules'), {
      recursive: true,
      dereference: false,
      verbatimSymlinks: true,
    });
    // Links (build, source) are not kept, as from packages: they could point anywhere.
    for (const link of listLinks(path.join(temp, 'modules'))) {
      fs.rmSync(link);
      found.skipped.push(`${path.relative(temp, link)} (symlink)`);
    }
    found.modulesRelease = path.basename(path.resolve(options.modules));
    found.moduleFiles = findModuleFiles(path.join(temp, 'modules')).length;
  }
  return found;
}

function existing(file: string | undefined): string | undefined {
  return file && fs.existsSync(file) ? file : undefined;
}

function listLinks(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isSymbolicLink())
    .map((e) => path.join(e.parentPath, e.name));
}

function readHead(file: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(BZIMAGE_HEAD_BYTES);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** The sha256 of a file, hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}
