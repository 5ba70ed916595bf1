/**
 * Incremental verification of per-node images (a verified base plus one small appended segment).
 * The base is read, unpacked and fully verified once, keyed by its sha256, and kept as its
 * unpacked tree, its findings and what the loader's resolution of its ELF files looked at. A
 * node's segment is read from its own bytes, its records numbered after the base's as the kernel
 * meets them, and applied with the kernel's rules to a copy-on-write layer over the base's tree
 * (rootfs-layer.ts): only the paths it touches are copied. The contract checks then run on the
 * merged tree, except the ELF check, which is taken from the base's when the segment changes
 * nothing the loader looked at (incremental-deps.ts). Nothing of the base is decompressed again.
 * The verdict equals `verifyImage` of the combined file (a differential test holds the two
 * together). With a store (base-store.ts), a base verified by an earlier run of the same build is
 * taken from it instead of being read and checked again.
 */
import { webcrypto } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Compression } from '../compression/index.js';
import type { ArchiveEntry, CpioRecord, RecordOrigin } from '../cpio/index.js';
import { readEntries, readRecords } from '../cpio/read-records.js';
import { XZ_HEADER_PREFIX } from '../cpio/xz-check.js';
import { ZSTD_HEADER_PREFIX } from '../cpio/zstd-window.js';
import { fsError } from '../util/fs-errors.js';
import { type BaseStore, loadStoredBase, type StoredBaseKey, storeBase } from './base-store.js';
import { loadNodeConfigValidatorFor } from './checks/node-config-validator.js';
import type { TracedChecks } from './incremental-checks.js';
import type { ElfReuse, TracedDeps } from './incremental-deps.js';
import { indexTree, RootfsLayer, type TreeIndex } from './rootfs-layer.js';
import type { ImageTree, VerifyOptions, VerifyReport } from './types.js';
import { unpackLikeKernel, unpackOnto } from './unpack.js';

/**
 * The checking half (incremental-verdict.ts), imported on first use: the unpacking of a base starts
 * before the contract checks and the libraries they need (YAML, schemas) are loaded.
 */
let verdictModule: Promise<typeof import('./incremental-verdict.js')> | undefined;
const checking = () => {
  verdictModule ??= import('./incremental-verdict.js');
  return verdictModule;
};

/** A base image, verified: what checking a segment on top of it needs. */
export interface VerifiedBase {
  path: string;
  sha256: string;
  /** Its length: where an appended segment starts. */
  bytes: number;
  /** The full verification of the base alone (what `verifyImage` reports). */
  report: VerifyReport;
  /** Taken from a store of verified bases (base-store.ts): verified by an earlier run. */
  fromStore: boolean;
  /** The tree the kernel makes of it, indexed for layers. */
  tree: ImageTree;
  /** Every name its records carry, absolute (`/config/node.yaml`), as stored. */
  names: ReadonlySet<string>;
  /** How many segments and archives it holds: the segment's are numbered after them. */
  segments: number;
  archives: number;
  /** Compression of its last segment (an lz4 legacy one needs a zero word after it). */
  lastCompression: Compression;
  /** The first bytes of each of its xz and zstd segments, by file offset (file-level checks). */
  xzHeaders: ReadonlyMap<number, Uint8Array>;
  zstdHeaders: ReadonlyMap<number, Uint8Array>;
  /** How each segment's ELF check was made so far (the base's result, added files only, anew). */
  elfChecks: Record<ElfReuse, number>;
  /** How many times each other check ran again on a merged tree (the rest reused the base's result). */
  checksRun: Map<string, number>;
  /** @internal */
  index: TreeIndex;
  /** @internal */
  deps: TracedDeps;
  /** @internal */
  checks: TracedChecks;
}

/** Options of {@link verifyBase}. */
export interface VerifyBaseOptions extends VerifyOptions {
  /** Name used in messages; default the file's base name. */
  source?: string;
  /**
   * Where verified bases are kept across runs (base-store.ts): a base stored there for the same
   * content, name, command line and build is taken from it; one verified here that passes is stored.
   */
  store?: BaseStore;
}

const bases = new Map<string, VerifiedBase>();

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Passes records through, noting the first bytes of each xz and zstd segment and the last origin. */
async function* noting<R extends ArchiveEntry | CpioRecord>(
  records: AsyncIterable<R> | Iterable<R>,
  bytes: Uint8Array,
  seen: { xz: Map<number, Uint8Array>; zstd: Map<number, Uint8Array>; last?: RecordOrigin },
  shift = 0,
): AsyncGenerator<R> {
  for await (const record of records) {
    const { compression, segmentOffset } = record.origin;
    const at = segmentOffset - shift;
    if (compression === 'xz' && !seen.xz.has(segmentOffset))
      seen.xz.set(segmentOffset, bytes.subarray(at, at + XZ_HEADER_PREFIX));
    if (compression === 'zstd' && !seen.zstd.has(segmentOffset))
      seen.zstd.set(segmentOffset, bytes.subarray(at, at + ZSTD_HEADER_PREFIX));
    seen.last = record.origin;
    yield record;
  }
}

/**
 * Verifies a base image once per content (and command line): a second call for a file with the
 * same sha256 returns the first result. The report is what `verifyImage` gives the file. Rejects
 * like `verifyImage` when the file is not a readable archive.
 */
export async function verifyBase(path: string, options: VerifyBaseOptions = {}): Promise<VerifiedBase> {
  const verdicts = checking(); // loads while the base is read and unpacked
  const bytes = await readWhole(path);
  // On the thread pool (WebCrypto), like the read. With nothing verified yet and no store there is
  // nothing to find by it: the unpacking then starts at once, the digest computed meanwhile.
  const digest = webcrypto.subtle.digest('SHA-256', bytes).then((d) => Buffer.from(d).toString('hex'));
  const source = options.source ?? basename(path);
  const { store } = options;
  // One key for this run's bases and for the store: the content, the name, the command line.
  const storedKey = (sha256: string): StoredBaseKey => ({ sha256, source, cmdline: options.cmdline ?? null });
  const keyOf = (sha256: string) => JSON.stringify(storedKey(sha256));
  if (bases.size > 0 || store !== undefined) {
    const sha256 = await digest;
    const known = bases.get(keyOf(sha256));
    if (known) return known;
    const stored = store && loadStoredBase(store, storedKey(sha256), path);
    if (stored) {
      // Its tree was not made by the unpacker here, which loads what the checks of it will need.
      await loadNodeConfigValidatorFor(stored.tree.nodes);
      bases.set(keyOf(sha256), stored);
      return stored;
    }
  }
  const seen: { xz: Map<number, Uint8Array>; zstd: Map<number, Uint8Array>; last?: RecordOrigin } = {
    xz: new Map(),
    zstd: new Map(),
  };
  const names = new Set<string>();
  async function* named(entries: AsyncIterable<ArchiveEntry>): AsyncGenerator<ArchiveEntry> {
    for await (const entry of entries) {
      names.add(`/${entry.info.name.replace(/^\.?\/+/, '')}`);
      yield entry;
    }
  }
  // Entries stream, as verifyImage reads them: file data is kept only as far as the checks need it.
  const unpacked = await unpackLikeKernel(named(noting(readEntries(once(bytes), { source }), bytes, seen)));
  // Its nodes made once, in a native Map (the unpacker's view makes each anew at every look): the
  // base is walked again for every segment checked on it.
  const tree: ImageTree = { ...unpacked, nodes: new Map(unpacked.nodes) };
  const { report, deps, checks } = (await verdicts).baseVerdict(tree, options, seen, source);
  const { last } = seen;
  const sha256 = await digest;
  const base: VerifiedBase = {
    path,
    sha256,
    bytes: bytes.length,
    report,
    fromStore: false,
    tree,
    names,
    segments: last ? last.segment + 1 : 0,
    archives: last ? last.archive + 1 : 0,
    lastCompression: last?.compression ?? 'none',
    xzHeaders: seen.xz,
    zstdHeaders: seen.zstd,
    elfChecks: { base: 0, added: 0, full: 0 },
    checksRun: new Map(),
    index: indexTree(tree.nodes),
    deps,
    checks,
  };
  bases.set(keyOf(sha256), base);
  if (store !== undefined && report.passed) await storeBase(store, storedKey(sha256), base);
  return base;
}

/**
 * The whole file in one read on the thread pool (readFile reads in 512 KiB steps, each waiting for
 * a turn of the event loop); an unreadable file is the user's (exit 2, its path and errno).
 */
async function readWhole(path: string): Promise<Buffer> {
  try {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      const bytes = Buffer.allocUnsafe(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await file.read(bytes, at, size - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at === size ? bytes : bytes.subarray(0, at);
    } finally {
      await file.close();
    }
  } catch (err) {
    throw fsError(err, path, 'cannot read');
  }
}

/**
 * The verdict on `base` followed by `segment` (its bytes exactly as appended, leading padding
 * included), as if the combined file were verified whole. `source` names the combined image.
 */
export async function verifyWithSegment(
  base: VerifiedBase,
  segment: Uint8Array,
  options: VerifyOptions & { source?: string } = {},
): Promise<VerifyReport> {
  const source = options.source ?? 'image';
  // The segment read as it sits in the combined file: alignment rules count from the file's start,
  // so it is fed after the base's length modulo 4 in zero bytes, and offsets shifted by the rest.
  const lead = base.bytes % 4;
  const fed = Buffer.concat([Buffer.alloc(lead), segment]);
  const shift = base.bytes - lead;
  const seen = { xz: new Map<number, Uint8Array>(), zstd: new Map<number, Uint8Array>() };
  const added: CpioRecord[] = [];
  for await (const record of readRecords(once(fed), { source })) {
    const origin = {
      ...record.origin,
      segment: record.origin.segment + base.segments,
      archive: record.origin.archive + base.archives,
      segmentOffset: record.origin.segmentOffset + shift,
    };
    added.push({ ...record, origin });
  }
  const layer = new RootfsLayer(base.index);
  const more = await unpackOnto(layer, noting(added, fed, seen, shift));
  const { nodes, changed } = layer.merged();
  const tree: ImageTree = {
    nodes,
    notes: [...base.tree.notes, ...more.notes],
    segments: base.tree.segments + more.segments,
    entries: base.tree.entries + more.entries,
  };
  const headers = {
    xz: new Map([...base.xzHeaders, ...seen.xz]),
    zstd: new Map([...base.zstdHeaders, ...seen.zstd]),
  };
  const change = { paths: changed, notes: more.notes.length };
  return (await checking()).segmentVerdict(base, tree, change, options, headers, source);
}
