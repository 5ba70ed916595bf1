import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import type { WriteCompression } from '../../compression/codecs.js';
import { CheckError } from '../../errors/index.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { BaseStore } from '../../verify/base-store.js';
import { type VerifiedBase, verifyWithSegment } from '../../verify/incremental.js';
import type { VerifyReport } from '../../verify/types.js';
import { segmentBytes, segmentPadding } from './segment-bytes.js';
import { type NodeInputs, nodeEntries, type SegmentEntries, withParentDirs } from './segment-entries.js';
import { verifiedBase } from './verified-base.js';
import { writeNodeImage } from './write-node-image.js';

/** Options of {@link overlayImage}. */
export interface OverlayOptions extends NodeInputs {
  /** The verified base image (any compression). */
  base: string;
  /** The node image to write: the base followed by the segment (or the segment alone). */
  output: string;
  /** Write only the segment, for boot loaders that concatenate several initrds. */
  segmentOnly?: boolean;
  /** Compression of the segment; default gzip (it may then start anywhere, see segmentPadding). */
  compress?: WriteCompression;
  /** Every mtime in the segment (SOURCE_DATE_EPOCH); default 0. */
  sourceDateEpoch?: number;
  cwd?: string;
  /** Where verified bases are kept across runs (verify/base-store.ts); default none. */
  baseStore?: BaseStore;
}

/** What {@link overlayImage} wrote. */
export interface OverlayResult {
  output: string;
  /** Bytes written: the whole node image, or the segment with `segmentOnly`. */
  bytes: number;
  segmentBytes: number;
  /** sha256 of the segment, and of the base (the node image is the one followed by the other). */
  segmentSha256: string;
  baseSha256: string;
  /** The base's verdict came from the store of verified bases (verified by an earlier run). */
  baseFromStore: boolean;
  /** The verdict on the node image (base and segment together). */
  verify: VerifyReport;
  /** A key made for `configKey: 'generate'` (base64 text), for the caller to keep; never printed. */
  generatedKey?: string;
}

/**
 * Makes one node's image from a verified base: a small segment (node config with its MAC, CONFIG_KEY,
 * added files) appended to the base without recompressing it (the kernel unpacks concatenated
 * archives and later entries win). Before anything is written, the base is verified (once per
 * content) and the node image verified incrementally on the merged tree.
 *
 * Rejects with CheckError BASE_VERIFY_FAILED or IMAGE_VERIFY_FAILED (exit 1), nothing written, and
 * InputError (exit 2) for unusable inputs.
 *
 * @example await overlayImage({ base: 'base.img', output: 'node-7.img', nodeConfig: 'node-7.yaml', mac: 'a4:58:0f:00:00:07' });
 */
export async function overlayImage(options: OverlayOptions): Promise<OverlayResult> {
  const cwd = options.cwd ?? process.cwd();
  const base = await verifiedBase(resolve(cwd, options.base), options.baseStore);
  return overlayOnBase(base, { ...options, output: resolve(cwd, options.output) });
}

/** {@link overlayImage} on a base already verified; paths already resolved. */
export async function overlayOnBase(base: VerifiedBase, options: OverlayOptions): Promise<OverlayResult> {
  const node = await prepareNode(base, options);
  await node.write(true);
  return node.result;
}

/** A node image made and verified, not written yet. */
export interface PreparedNode {
  result: OverlayResult;
  /** The segment's bytes, as appended to the base (or written alone with `segmentOnly`). */
  segment: Buffer;
  /**
   * Writes it (atomically). `syncDirectory` false: one of many outputs in one directory, whose
   * caller syncs the directory once after the last (util/atomic-write.ts).
   */
  write(syncDirectory: boolean): Promise<void>;
}

/** What {@link prepareSegment} needs of a node besides its entries. */
export type SegmentOptions = Pick<OverlayOptions, 'output' | 'segmentOnly' | 'compress' | 'sourceDateEpoch'>;

/** The segment of one node on a verified base, verified on the merged tree; refused when it fails. */
export async function prepareNode(base: VerifiedBase, options: OverlayOptions): Promise<PreparedNode> {
  return prepareSegment(base, nodeEntriesOf(options), options);
}

/**
 * The records of a node's segment that do not depend on the base ({@link nodeEntries}), its
 * relative paths against `options.cwd`.
 */
export function nodeEntriesOf(options: NodeInputs & { cwd?: string }): SegmentEntries {
  const at = (p: string | undefined) =>
    p === undefined || p === 'generate' ? p : resolve(options.cwd ?? '.', p);
  return nodeEntries({
    nodeConfig: typeof options.nodeConfig === 'string' ? at(options.nodeConfig) : options.nodeConfig,
    mac: options.mac,
    configKey: at(options.configKey),
    add: options.add?.map((spec) => {
      const colon = spec.lastIndexOf(':');
      return colon > 0 ? `${at(spec.slice(0, colon))}${spec.slice(colon)}` : spec;
    }),
  });
}

/**
 * A node's segment made before its base is verified: its parent directories taken as present in
 * the base, and no padding needed after it (a compressed segment after anything but lz4).
 * {@link prepareSegment} uses it when the base bears that out: it is then the very segment it would
 * make (the bytes depend on nothing else).
 */
export interface SegmentDraft {
  segment: Buffer;
  /** The parent directories taken as present, and the padding taken. */
  present: string[];
  padding: number;
}

/** A {@link SegmentDraft} of a node's entries (a fleet makes them while its base is verified). */
export async function draftSegment(made: SegmentEntries, options: SegmentOptions): Promise<SegmentDraft> {
  const present: string[] = [];
  const { entries } = withParentDirs(made, (p) => {
    present.push(p);
    return true;
  });
  const compress = options.compress ?? 'gzip';
  const padding = segmentPadding(0, 'gzip', compress);
  const segment = await segmentBytes(entries, { compress, padding, mtime: options.sourceDateEpoch ?? 0 });
  return { segment, present, padding };
}

/**
 * A node's segment from its entries ({@link nodeEntriesOf}) on a verified base, with the parent
 * directories the base lacks (the draft's bytes when it guessed the base right), verified on the
 * merged tree; refused when it fails.
 */
export async function prepareSegment(
  base: VerifiedBase,
  made: SegmentEntries,
  options: SegmentOptions,
  draft?: SegmentDraft,
): Promise<PreparedNode> {
  const compress = options.compress ?? 'gzip';
  const { generatedKey } = made;
  const padding = segmentPadding(base.bytes, base.lastCompression, compress);
  const guessed = draft?.padding === padding && draft.present.every((p) => base.names.has(p));
  const segment =
    draft !== undefined && guessed
      ? draft.segment
      : await segmentBytes(withParentDirs(made, (p) => base.names.has(p)).entries, {
          compress,
          padding,
          mtime: options.sourceDateEpoch ?? 0,
        });
  const name = basename(options.output);
  const report = await verifyWithSegment(base, segment, { source: name });
  if (!report.passed) {
    throw new CheckError(
      'IMAGE_VERIFY_FAILED',
      `${name}: the node image failed verification (${report.failures.length} failed checks); nothing was written`,
      { report },
    );
  }
  const write = async (syncDirectory: boolean): Promise<void> => {
    if (options.segmentOnly) await writeFileAtomic(options.output, segment, { mode: 0o644, syncDirectory });
    else writeNodeImage(base.path, segment, options.output);
  };
  const result: OverlayResult = {
    output: options.output,
    bytes: options.segmentOnly ? segment.length : base.bytes + segment.length,
    segmentBytes: segment.length,
    segmentSha256: createHash('sha256').update(segment).digest('hex'),
    baseSha256: base.sha256,
    baseFromStore: base.fromStore,
    verify: report,
    ...(generatedKey === undefined ? {} : { generatedKey }),
  };
  return { result, segment, write };
}
