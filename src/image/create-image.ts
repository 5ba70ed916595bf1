import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import type { WriteCompression, WriteEntry } from '../cpio/index.js';
import { CheckError, InputError } from '../errors/index.js';
import { createAtomicWriteStream } from '../util/atomic-write.js';
import { type VerifyReport, verifyImage } from '../verify/index.js';
import { collectTree } from './collect-tree.js';
import { type ComponentFiles, layoutContract } from './layout-contract.js';
import { prepareEntries } from './prepare-entries.js';
import { writeArchive } from './write-archive.js';

/** Options of {@link createImage}. Paths are resolved against `cwd`. */
export interface CreateImageOptions {
  /** rock-init, rock-manager, volcano-agent and busybox binaries on the build host. */
  components: ComponentFiles;
  /** Directories laid over the image first; the contract's own entries win over them. */
  rootfs?: string[];
  configKey?: string;
  nodeConfig?: string;
  compress?: WriteCompression;
  /** The image to write (atomically). */
  output: string;
  /** Every mtime in the image (SOURCE_DATE_EPOCH); default 0. */
  sourceDateEpoch?: number;
  cwd?: string;
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
  const contract = layoutContract({
    components: {
      init: at(options.components.init),
      manager: at(options.components.manager),
      agent: at(options.components.agent),
      busybox: at(options.components.busybox),
    },
    configKey: options.configKey === undefined ? undefined : at(options.configKey),
    nodeConfig: options.nodeConfig === undefined ? undefined : at(options.nodeConfig),
  });
  // Overlays first, contract last: the explicit components win over anything an overlay carries.
  return buildVerifiedImage([...overlays, ...contract], { ...options, output: at(options.output) });
}

/** Options of {@link packRootfs}. */
export interface PackRootfsOptions {
  rootfs: string;
  output: string;
  compress?: WriteCompression;
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
  compress?: WriteCompression;
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
    await writeArchive(entries, out.stream, compress, {
      onEntry: (index, entry) =>
        progress({ phase: 'write', index, total: entries.length, name: entry.info.name }),
      onBytes: (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
      },
    });
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
    await out.commit();
    progress({ phase: 'done', bytes });
    return {
      output: options.output,
      bytes,
      entries: entries.length,
      sha256: hash.digest('hex'),
      compress,
      verify: report,
    };
  } catch (err) {
    await out.abort();
    throw err;
  }
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
