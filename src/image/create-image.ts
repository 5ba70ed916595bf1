import { createHash } from 'node:crypto';
import { fsync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { WriteCompression } from '../compression/index.js';
import { configEntries } from '../config/index.js';
import type { WriteEntry } from '../cpio/index.js';
import { CheckError, InputError } from '../errors/index.js';
import { isExposed, readConfigKey } from '../security/index.js';
import { createAtomicWriteStream } from '../util/atomic-write.js';
import { ByteChannel } from '../util/byte-channel.js';
import { withNodeFsErrors } from '../util/fs-errors.js';
import { type NamedInput, refuseOutputAmongInputs } from '../util/output-among-inputs.js';
import { rockHome } from '../util/rock-home.js';
import { type VerifyReport, verifyImage } from '../verify/index.js';
import { collectTree } from './collect-tree.js';
import { completeRootfs } from './complete-rootfs.js';
import { defaultImageName } from './default-output.js';
import { depsEntries } from './deps-input.js';
import { installedComponents, installedEntries } from './installed-components.js';
import { kernelEntries } from './kernel-input.js';
import { type ComponentFiles, layoutContract } from './layout-contract.js';
import { nodeConfigInput } from './node-config-input.js';
import { prepareEntries } from './prepare-entries.js';
import { resolveComponents } from './resolve-components.js';
import { signImage } from './sign-image.js';
import { writeArchive } from './write-archive.js';

/** Options of {@link createImage}. Paths are resolved against `cwd`. */
export interface CreateImageOptions {
  /** rock-init, rock-manager, volcano-agent and busybox binaries on the build host (each wins over `componentsDir`). */
  components: Partial<ComponentFiles>;
  /** A rock-build output directory holding rock-init, rock-manager, volcano-agent and busybox. */
  componentsDir?: string;
  /** Directories laid over the image first; the contract's own entries win over them. */
  rootfs?: string[];
  configKey?: string;
  nodeConfig?: string;
  /** Further config files, `FILE:/etc/rock/NAME` (only under /config or /etc/rock), mode 0644. */
  configs?: string[];
  /** Written into the node configuration as `network.mac` (an address from `rock-mac allocate`). */
  mac?: string;
  /** A kernel of the store: the image is checked against its config before it is written. */
  kernel?: string;
  /** Modules of that kernel (with their dependencies) to carry at /lib/modules/<release>/. */
  modules?: string[];
  /** A minisign secret key: writes `<output>.minisig` beside the image. */
  sign?: string;
  /** Leave out the interpreter and libraries of dynamically linked components (default: add them). */
  noDeps?: boolean;
  compress?: WriteCompression;
  /** The compression level (each codec's default when absent) and encoder threads (gzip, zstd). */
  level?: number;
  threads?: number;
  /** The image to write (atomically); default `image.cpio.gz` (see {@link defaultImageName}). */
  output?: string;
  /** Every mtime in the image (SOURCE_DATE_EPOCH); default 0. */
  sourceDateEpoch?: number;
  cwd?: string;
  /** ROCK_HOME (kernel store); default `rockHome()`. */
  home?: string;
  /** Called with progress: the entry being written, and the phase. */
  onProgress?: (event: ProgressEvent) => void;
  /** Called with each warning (one line, no secret): a CONFIG_KEY that group or others can read. */
  onWarning?: (message: string) => void;
}

/** Progress of a long build, for a CLI to show on stderr. */
export type ProgressEvent =
  | { phase: 'collect'; entries: number }
  | { phase: 'write'; index: number; total: number; name: string }
  | { phase: 'verify' }
  | { phase: 'done'; bytes: number };

/** What {@link createImage} and {@link packRootfs} return. */
export interface CreateImageResult {
  output: string;
  bytes: number;
  entries: number;
  sha256: string;
  compress: WriteCompression;
  verify: VerifyReport;
  /** The signature file, when signed. */
  signature?: string;
}

/**
 * Builds a ROCK-OS image: lays the components at their contract paths with the contract modes,
 * adds the directories, device nodes, busybox links, `/init` and config files, lays any overlay
 * directories under them, writes one reproducible newc archive, and verifies the written bytes with
 * the same code as `rock-verify integration` *before* moving it into place. The verifier reads the
 * very chunks handed to the temporary file while they are written (no second pass over the file),
 * and the file is renamed into place only once they all passed.
 *
 * Nothing is left behind on failure and a good image at `output` is never clobbered by a bad one.
 * Rejects with InputError (exit 2) for unusable inputs, CheckError IMAGE_VERIFY_FAILED (exit 1) when
 * the built image does not pass verification.
 *
 * @example
 * await createImage({
 *   components: { init: 'rock-init', manager: 'rock-manager', agent: 'volcano-agent', busybox: 'busybox' },
 *   output: 'rock.img',
 * });
 */
export function createImage(options: CreateImageOptions): Promise<CreateImageResult> {
  // Any fs failure not already said in the input's terms is still the user's situation (exit 2).
  return withNodeFsErrors(() => createImageUnchecked(options));
}

async function createImageUnchecked(options: CreateImageOptions): Promise<CreateImageResult> {
  const cwd = options.cwd ?? process.cwd();
  const at = (p: string) => resolve(cwd, p);
  const output = options.output ?? defaultImageName(options.compress ?? 'gzip');
  refuseOutputAmongInputs(at(output), createInputs(options, at));
  if (options.sign !== undefined) refuseOutputAmongInputs(at(`${output}.minisig`), createInputs(options, at));
  if (options.configKey !== undefined) checkConfigKeyInput(at(options.configKey), options.onWarning);
  const overlays = (options.rootfs ?? []).flatMap((dir) => collectTree(at(dir)));
  const components = resolveComponents(options.components, options.componentsDir, cwd);
  // rock-build's extra components (`install:` in components.yaml) go where the manifest says.
  const installed =
    options.componentsDir === undefined ? [] : installedComponents(options.componentsDir, cwd);
  const contract = layoutContract({
    components,
    configKey: options.configKey === undefined ? undefined : at(options.configKey),
    nodeConfig: nodeConfigInput(
      options.nodeConfig === undefined ? undefined : at(options.nodeConfig),
      options.mac,
    ),
  });
  const mtime = checkEpoch(options.sourceDateEpoch);
  const configs = configEntries(
    (options.configs ?? []).map((spec) => resolveSpec(spec, at)),
    { mtime },
  );
  const modules = await kernelEntries({
    kernel: options.kernel,
    modules: options.modules,
    compress: options.compress ?? 'gzip',
    mtime,
    home: options.home ?? rockHome(),
  });
  // Every library and the interpreter a dynamically linked component needs, at their loader paths.
  const deps = options.noDeps
    ? []
    : depsEntries([
        ...Object.entries(components).map(([role, path]) => ({ path, label: `--${role} ${path}` })),
        ...installed.map((c) => ({ path: c.path, label: `${c.name} (${c.path})` })),
      ]);
  const extras = installedEntries(installed);
  // Overlays first, contract last: the explicit components win over anything an overlay carries.
  return buildVerifiedImage([...overlays, ...modules, ...configs, ...extras, ...deps, ...contract], {
    ...options,
    output: at(output),
    sign: options.sign === undefined ? undefined : at(options.sign),
  });
}

/** Options of {@link packRootfs}. */
export interface PackRootfsOptions {
  rootfs: string;
  /** Default `image.cpio.gz` (see {@link defaultImageName}). */
  output?: string;
  /** Pack the tree as it is: add nothing the contract derives (see {@link completeRootfs}). */
  exact?: boolean;
  /** Told, in one line, what was added to complete the tree (not called when nothing was). */
  onNotice?: (message: string) => void;
  compress?: WriteCompression;
  level?: number;
  threads?: number;
  sourceDateEpoch?: number;
  cwd?: string;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Packs a prepared root directory, reproducibly, then verifies it against the contract like
 * {@link createImage}; the same guarantees on failure. Unless `exact`, what the contract derives and
 * the tree lacks is added first (directories, device nodes, `/init`, busybox links, the loader
 * closure; see {@link completeRootfs}) and `onNotice` is told what.
 */
export function packRootfs(options: PackRootfsOptions): Promise<CreateImageResult> {
  return withNodeFsErrors(() => packRootfsUnchecked(options));
}

async function packRootfsUnchecked(options: PackRootfsOptions): Promise<CreateImageResult> {
  const cwd = options.cwd ?? process.cwd();
  const output = resolve(cwd, options.output ?? defaultImageName(options.compress ?? 'gzip'));
  refuseOutputAmongInputs(output, [{ path: resolve(cwd, options.rootfs), field: 'rootfs' }]);
  const rootfs = resolve(cwd, options.rootfs);
  const collected = collectTree(rootfs);
  if (options.exact) return buildVerifiedImage(collected, { ...options, output });
  const { entries, added } = completeRootfs(rootfs, collected);
  if (added.length > 0)
    options.onNotice?.(`added what the contract derives and ${rootfs} lacks: ${added.join('; ')}`);
  return buildVerifiedImage(entries, { ...options, output });
}

/** fsync(2) on the thread pool; never rejects (a failure shows again in the commit's own fsync). */
function fsyncFile(fd: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (typeof fd === 'number') fsync(fd, () => resolve());
    else resolve();
  });
}

/** Compressed bytes the verifier may lag behind the writer (bounds memory, keeps both busy). */
const VERIFY_LAG = 8 * 1024 * 1024;

interface BuildOptions {
  output: string;
  sign?: string;
  compress?: WriteCompression;
  level?: number;
  threads?: number;
  sourceDateEpoch?: number;
  onProgress?: (event: ProgressEvent) => void;
}

async function buildVerifiedImage(
  collected: WriteEntry[],
  options: BuildOptions,
): Promise<CreateImageResult> {
  const mtime = checkEpoch(options.sourceDateEpoch);
  const compress = options.compress ?? 'gzip';
  const progress = options.onProgress ?? (() => undefined);
  // The output first: an unwritable one is said before any progress line.
  const out = createAtomicWriteStream(options.output, { mode: 0o644 });
  const hash = createHash('sha256');
  let bytes = 0;
  const name = basename(options.output);
  // The verifier reads the very chunks handed to the temporary file, while they are produced (no
  // second pass over the file); it holds at most VERIFY_LAG bytes back before the writer waits.
  const written = new ByteChannel(VERIFY_LAG);
  let synced: Promise<void> | undefined;
  const verified = verifyImage(out.tempPath, { source: name, input: written });
  // A verifier that gave up (an unreadable archive) stops the writer with its error at once.
  verified.catch((err: Error) => written.fail(err));
  try {
    const entries = prepareEntries(collected, { mtime });
    progress({ phase: 'collect', entries: entries.length });
    try {
      await writeArchive(
        entries,
        out.stream,
        { compress, level: options.level, threads: options.threads },
        {
          onEntry: (index, entry) =>
            progress({ phase: 'write', index, total: entries.length, name: entry.info.name }),
          onBytes: (chunk) => {
            bytes += chunk.length;
            hash.update(chunk);
            return written.push(chunk);
          },
        },
      );
    } catch (err) {
      written.fail(err as Error);
      throw err;
    }
    // Ended only now that the file holds every byte: the verifier's header checks read it.
    written.end();
    progress({ phase: 'verify' });
    // The bytes reach the disk while the verifier finishes (commit's own fsync then finds little to
    // do); its failure, if any, is commit's to report. Settled before the fd can be closed.
    synced = fsyncFile((out.stream as { fd?: unknown }).fd);
    const report = await verified;
    await synced;
    if (!report.passed) {
      throw new CheckError(
        'IMAGE_VERIFY_FAILED',
        `${name}: the built image failed verification (${report.failures.length} failed checks); nothing was written`,
        { report },
      );
    }
    // Sign the verified bytes before they move into place, so an image never lands unsigned when a
    // signature was asked for.
    const signature =
      options.sign === undefined
        ? undefined
        : await signImage(out.tempPath, options.output, options.sign, mtime);
    try {
      await out.commit();
    } catch (err) {
      await signature?.abort();
      throw err;
    }
    await signature?.commit();
    progress({ phase: 'done', bytes });
    return {
      output: options.output,
      bytes,
      entries: entries.length,
      sha256: hash.digest('hex'),
      compress,
      verify: report,
      ...(signature ? { signature: signature.path } : {}),
    };
  } catch (err) {
    written.fail(err as Error);
    await synced;
    await out.abort();
    throw err;
  }
}

/**
 * The CONFIG_KEY input, checked up front so a 0-byte or malformed key is refused naming the file
 * (KEY_BAD_FORMAT and the other key errors, exit 2), not later as a failed check of the image. A key
 * that group or others can read is a warning with the mode found (the image holds it as 0400).
 */
function checkConfigKeyInput(path: string, onWarning: ((message: string) => void) | undefined): void {
  const { key, perm } = readConfigKey(path);
  key.fill(0);
  if (isExposed(perm)) {
    onWarning?.(
      `${path}: mode 0${perm.toString(8)} lets group or others read the key (chmod 600 ${path}); the image holds it with mode 0400`,
    );
  }
}

/** Every file `createImage` reads, by field, for {@link refuseOutputAmongInputs}. */
function createInputs(options: CreateImageOptions, at: (p: string) => string): NamedInput[] {
  const named = (path: string | undefined, field: string) =>
    path === undefined ? [] : [{ path: at(path), field }];
  return [
    ...Object.entries(options.components).map(([role, path]) => ({ path: at(path), field: role })),
    ...named(options.configKey, 'configKey'),
    ...named(options.nodeConfig, 'nodeConfig'),
    ...named(options.sign, 'sign'),
    ...(options.rootfs ?? []).map((dir) => ({ path: at(dir), field: 'rootfs' })),
    ...(options.configs ?? []).map((spec) => ({
      path: resolveSpec(spec, at).replace(/:[^:]*$/, ''),
      field: 'configs',
    })),
  ];
}

/** `FILE:/etc/rock/NAME`: the source is resolved against cwd, the destination stays as written. */
function resolveSpec(spec: string, at: (p: string) => string): string {
  const colon = spec.lastIndexOf(':');
  return colon <= 0 ? spec : `${at(spec.slice(0, colon))}${spec.slice(colon)}`;
}

function checkEpoch(epoch: number | undefined): number {
  if (epoch === undefined) return 0;
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) {
    throw new InputError(
      'BAD_SOURCE_DATE_EPOCH',
      `SOURCE_DATE_EPOCH: expected an integer 0..4294967295, got ${epoch}`,
      {
        value: epoch,
      },
    );
  }
  return epoch;
}
