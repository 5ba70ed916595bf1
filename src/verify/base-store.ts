/**
 * Verified bases kept across runs (`$ROCK_HOME/verified-bases/` for rock-image overlay): a fleet
 * made again on the same base (the same sha256, name in messages, command line and build of the
 * tools) starts from the stored verdict and tree instead of inflating, unpacking and checking the
 * base again. Each node's segment is still verified on that tree, as on a base verified in the same
 * run. A stored base is what `verifyBase` made of the file, as plain data through v8's serializer
 * (Maps, Sets and shared objects kept; each file sample as its kept pieces). Anything unexpected in
 * a stored file (another key or build, a bad checksum, a truncated file, a shape this code did not
 * write) is a miss: the base is verified again and the file replaced. Files are 0600 in a 0700
 * directory: a base's tree keeps its config files whole (its /config/CONFIG_KEY, if it has one, as
 * the image itself holds it).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import { writeFileAtomic } from '../util/atomic-write.js';
import { type SampleParts, sampleFromParts, sampleParts } from './file-sample.js';
import type { VerifiedBase } from './incremental.js';
import { indexTree } from './rootfs-layer.js';
import type { ImageNode, ImageTree } from './types.js';

/** Where verified bases are kept, and for which build of the tools (util/build-id.ts). */
export interface BaseStore {
  dir: string;
  buildId: string;
  /** How many stored bases to keep, the most recently used; default 16. */
  keep?: number;
}

/** What a stored base answers for: the file's content, its name in messages, the command line. */
export interface StoredBaseKey {
  sha256: string;
  source: string;
  cmdline: string | null;
}

const MAGIC = Buffer.from('ROCKBASE');
/** Bumped when the stored shape changes (the build id changes with the code anyway). */
const FORMAT = 1;
const DEFAULT_KEEP = 16;
const SUFFIX = '.base';

type StoredNode = Omit<ImageNode, 'content'> & { content: SampleParts };

/** The part of a verified base that is stored: everything but its path, counters and index. */
interface StoredBase
  extends Omit<VerifiedBase, 'path' | 'fromStore' | 'elfChecks' | 'checksRun' | 'index' | 'tree'> {
  tree: Omit<ImageTree, 'nodes'> & { nodes: Map<string, StoredNode> };
}

const headerOf = (key: StoredBaseKey, buildId: string) =>
  Buffer.from(JSON.stringify({ format: FORMAT, buildId, ...key }));

/** The nodes with each content converted once: hard links share the result as they shared the original. */
function withContents<N extends { content: A }, A extends object, B>(
  nodes: ReadonlyMap<string, N>,
  convert: (content: A) => B,
): Map<string, Omit<N, 'content'> & { content: B }> {
  const converted = new Map<A, B>();
  const out = new Map<string, Omit<N, 'content'> & { content: B }>();
  for (const [path, node] of nodes) {
    let content = converted.get(node.content);
    if (content === undefined) {
      content = convert(node.content);
      converted.set(node.content, content);
    }
    out.set(path, { ...node, content });
  }
  return out;
}

/** The stored file's name: a digest of the build and the key. */
function fileOf(store: BaseStore, key: StoredBaseKey): string {
  const id = createHash('sha256').update(headerOf(key, store.buildId)).digest('hex');
  return join(store.dir, `${id}${SUFFIX}`);
}

/**
 * The bytes of a stored base: MAGIC, u32 header length, the header (format, build, key as JSON),
 * the sha256 of the payload, the payload (v8-serialized {@link StoredBase}).
 */
export function encodeBase(base: VerifiedBase, key: StoredBaseKey, buildId: string): Buffer {
  const nodes: Map<string, StoredNode> = withContents(base.tree.nodes, sampleParts);
  const { path: _path, fromStore: _from, elfChecks: _e, checksRun: _c, index: _i, tree, ...rest } = base;
  const stored: StoredBase = { ...rest, tree: { ...tree, nodes } };
  const payload = v8.serialize(stored);
  const header = headerOf(key, buildId);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const digest = createHash('sha256').update(payload).digest();
  return Buffer.concat([MAGIC, length, header, digest, payload]);
}

/** The verified base in `bytes` when they hold one for `key` and `buildId`, else undefined. */
export function decodeBase(
  bytes: Uint8Array,
  key: StoredBaseKey,
  buildId: string,
  path: string,
): VerifiedBase | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const headerLength = buf.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd + 32 > buf.length) return undefined;
  if (!buf.subarray(MAGIC.length + 4, headerEnd).equals(headerOf(key, buildId))) return undefined;
  const payload = buf.subarray(headerEnd + 32);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(buf.subarray(headerEnd, headerEnd + 32))) return undefined;
  let stored: unknown;
  try {
    stored = v8.deserialize(payload);
  } catch {
    return undefined;
  }
  return isStoredBase(stored) ? restored(stored, path) : undefined;
}

function isStoredBase(value: unknown): value is StoredBase {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredBase>;
  return (
    typeof v.sha256 === 'string' &&
    typeof v.bytes === 'number' &&
    typeof v.report === 'object' &&
    v.tree?.nodes instanceof Map &&
    Array.isArray(v.tree.notes) &&
    v.names instanceof Set &&
    v.xzHeaders instanceof Map &&
    v.zstdHeaders instanceof Map &&
    v.deps?.visited instanceof Set &&
    v.deps.listed instanceof Set &&
    v.checks?.byName instanceof Map &&
    [...v.tree.nodes.values()].every(
      (n) =>
        typeof n?.path === 'string' &&
        n.data instanceof Uint8Array &&
        n.content?.head instanceof Uint8Array &&
        typeof n.content.size === 'number' &&
        Array.isArray(n.content.pieces),
    )
  );
}

/** The verified base a stored one was made from, its samples rebuilt (hard links sharing theirs). */
function restored(stored: StoredBase, path: string): VerifiedBase {
  const nodes: Map<string, ImageNode> = withContents(stored.tree.nodes, sampleFromParts);
  const tree: ImageTree = { ...stored.tree, nodes };
  return {
    ...stored,
    path,
    fromStore: true,
    tree,
    elfChecks: { base: 0, added: 0, full: 0 },
    checksRun: new Map(),
    index: indexTree(tree.nodes),
  };
}

/** The base stored for `key`, or undefined (none, or one this build cannot use). Never throws. */
export function loadStoredBase(store: BaseStore, key: StoredBaseKey, path: string): VerifiedBase | undefined {
  const file = fileOf(store, key);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const base = decodeBase(bytes, key, store.buildId, path);
  if (base !== undefined) {
    try {
      const now = new Date();
      fs.utimesSync(file, now, now); // most recently used: kept longest
    } catch {
      // Read-only store: it is still used, only not reordered.
    }
  }
  return base;
}

/**
 * Stores `base` for `key` (atomically, 0600), then removes all but the most recently used
 * `store.keep`. A store that cannot be written (read-only, full, no permission) is left as it is:
 * the run does not depend on it.
 */
export async function storeBase(store: BaseStore, key: StoredBaseKey, base: VerifiedBase): Promise<void> {
  try {
    fs.mkdirSync(store.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(fileOf(store, key), encodeBase(base, key, store.buildId), { mode: 0o600 });
    prune(store);
  } catch {
    // Not stored: the next run verifies the base again.
  }
}

function prune(store: BaseStore): void {
  const keep = store.keep ?? DEFAULT_KEEP;
  const stored = fs
    .readdirSync(store.dir)
    .filter((name) => name.endsWith(SUFFIX))
    .map((name) => {
      const file = join(store.dir, name);
      return { file, mtime: fs.statSync(file).mtimeMs };
    })
    .sort((a, b) => b.mtime - a.mtime || (a.file < b.file ? -1 : 1));
  for (const { file } of stored.slice(keep)) fs.rmSync(file, { force: true });
}
