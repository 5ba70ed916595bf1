import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import type { WriteCompression } from '../compression/index.js';
import { configEntries } from '../config/index.js';
import type { WriteEntry } from '../cpio/index.js';
import { CheckError, InputError } from '../errors/index.js';
import { createAtomicWriteStream } from '../util/atomic-write.js';
import { rockHome } from '../util/rock-home.js';
import { type VerifyReport, verifyImage } from '../verify/index.js';
import { collectTree } from './collect-tree.js';
import { depsEntries } from './deps-input.js';
import { kernelEntries } from './kernel-input.js';
import { type ComponentFiles, layoutContract } from './layout-contract.js';
import { nodeConfigInput } from './node-config-input.js';
import { prepareEntries } from './prepare-entries.js';
import { signImage } from './sign-image.js';
import { writeArchive } from './write-archive.js';

/** Options of {@link createImage}. Paths are resolved against `cwd`. */
export interface CreateImageOptions {
  /** rock-init, rock-manager, volcano-agent and busybox binaries on the build host. */
  components: ComponentFiles;
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
  /** The image to write (atomically). */
  output: string;
  /** Every mtime in the image (SOURCE_DATE_EPOCH); default 0. */
  sourceDateEpoch?: number;
  cwd?: string;
  /** ROCK_HOME (kernel store); default `rockHome()`. */
  home?: string;
  /** Called with progress: the entry being written, and the phase. */
  onProgress?: (event: ProgressEvent) => void;
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
 * the same code as `rock-verify integration` *before* moving it into place.
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
export async function createImage(options: CreateImageOptions): Promise<CreateImageResult> {
  const cwd = options.cwd ?? process.cwd();
  const at = (p: string) => resolve(cwd, p);
  const overlays = (options.rootfs ?? []).flatMap((dir) => collectTree(at(dir)));
  const components = {
    init: at(options.components.init),
    manager: at(options.components.manager),
    agent: at(options.components.agent),
    busybox: at(options.components.busybox),
  };
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
    : depsEntries(Object.entries(components).map(([role, path]) => ({ path, label: `--${role} ${path}` })));
  // Overlays first, contract last: the explicit components win over anything an overlay carries.
  return buildVerifiedImage([...overlays, ...modules, ...configs, ...deps, ...contract], {
    ...options,
    output: at(options.output),
    sign: options.sign === undefined ? undefined : at(options.sign),
  });
}

/** Options of {@link packRootfs}. */
export interface PackRootfsOptions {
  rootfs: string;
  output: string;
  compress?: WriteCompression;
  level?: number;
  threads?: number;
  sourceDateEpoch?: number;
  cwd?: string;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Packs a prepared root directory as it is (the seed's form of an image), reproducibly, then
 * verifies it against the contract like {@link createImage}; the same guarantees on failure.
 */
export async function packRootfs(options: PackRootfsOptions): Promise<CreateImageResult> {
  const cwd = options.cwd ?? process.cwd();
  const entries = collectTree(resolve(cwd, options.rootfs));
  return buildVerifiedImage(entries, { ...options, output: resolve(cwd, options.output) });
}

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
  const entries = prepareEntries(collected, { mtime });
  progress({ phase: 'collect', entries: entries.length });

  const out = createAtomicWriteStream(options.output, { mode: 0o644 });
  const hash = createHash('sha256');
  let bytes = 0;
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
        },
      },
    );
    progress({ phase: 'verify' });
    const name = basename(options.output);
    const report = await verifyImage(out.tempPath, { source: name });
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
    await out.abort();
    throw err;
  }
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
