import { dirname, join, resolve } from 'node:path';
import type { WriteCompression } from '../../compression/codecs.js';
import { type AtomicFile, syncDirectory, writeFilesAtomic } from '../../util/atomic-write.js';
import { makeDirs } from '../../util/make-dirs.js';
import type { BaseStore } from '../../verify/base-store.js';
import type { Fleet, FleetNode } from './fleet-schema.js';
import type { OverlayResult, SegmentDraft, SegmentOptions } from './overlay-image.js';
import type { NodeInputs, SegmentEntries } from './segment-entries.js';
import { verifiedBase } from './verified-base.js';
import { writeNodeImage } from './write-node-image.js';

/** Options of {@link overlayFleet}. */
export interface FleetOptions {
  base: string;
  /** FLEET.yaml; its relative paths are relative to it. */
  fleet: string;
  /** Where `<name>.img` (and `<name>.CONFIG_KEY` for a generated key) go. */
  outDir: string;
  segmentOnly?: boolean;
  compress?: WriteCompression;
  sourceDateEpoch?: number;
  cwd?: string;
  /** For `pool:` nodes: the environment rock-mac reads its database and pools from. */
  env?: NodeJS.ProcessEnv;
  /** Where verified bases are kept across runs (verify/base-store.ts); default none. */
  baseStore?: BaseStore;
  /** Called after each node. */
  onNode?: (index: number, total: number, result: FleetNodeResult) => void;
}

/** One node of {@link overlayFleet}'s result. */
export interface FleetNodeResult extends Omit<OverlayResult, 'generatedKey'> {
  name: string;
  mac?: string;
  /** The file a generated CONFIG_KEY was written to (mode 0600). */
  configKeyFile?: string;
}

/**
 * Makes every node's image of a fleet file on one base, verified once: `DIR/<name>.img`, each the
 * base followed by its segment (or the segment alone with `segmentOnly`), each verified on the
 * merged tree before it is written. `pool:` nodes get their address from rock-mac's dispenser (the
 * same address again for a node that already holds one); `config_key: generate` writes the new key
 * to `DIR/<name>.CONFIG_KEY` (0600) beside the image. Every node's inputs are checked before any
 * output is written; when a node fails verification, the nodes before it are written, none after.
 */
export async function overlayFleet(options: FleetOptions): Promise<FleetNodeResult[]> {
  const cwd = options.cwd ?? process.cwd();
  const fleetPath = resolve(cwd, options.fleet);
  const fleetDir = dirname(fleetPath);
  const outDir = resolve(cwd, options.outDir);
  // The base is read, inflated and verified on the thread pool and in the gaps of what follows:
  // reading the fleet and making each node's records need nothing of it.
  const pending = verifiedBase(resolve(cwd, options.base), options.baseStore);
  pending.catch(() => undefined); // awaited on every path below
  // What reads the fleet and makes the segments (YAML, schemas, the archive writer) loads meanwhile.
  const [{ readFleet }, node] = await Promise.all([import('./read-fleet.js'), import('./overlay-image.js')]);
  const segmentOptions = (name: string): SegmentOptions => ({
    output: join(outDir, `${name}.img`),
    segmentOnly: options.segmentOnly,
    compress: options.compress,
    sourceDateEpoch: options.sourceDateEpoch,
  });
  let fleet: Fleet;
  let made: (Made | undefined)[];
  try {
    fleet = readFleet(fleetPath);
    made = await madeMeanwhile(fleet.nodes, fleetDir, node, segmentOptions);
  } catch (err) {
    await pending; // a base that fails is reported first, as when it was verified first
    throw err;
  }
  const base = await pending;
  makeDirs(outDir);
  const macs = await allocate(fleet.nodes, options);
  const results: FleetNodeResult[] = [];
  const outputs = new Outputs();
  // Every output is renamed into place without its own directory sync: one for all of them.
  const commit = async (): Promise<void> => {
    await outputs.done();
    if (results.length > 0) syncDirectory(outDir);
    for (const [i, result] of results.entries()) options.onNode?.(i, fleet.nodes.length, result);
  };
  try {
    for (const [i, entry] of fleet.nodes.entries()) {
      const mac = entry.mac ?? macs.get(entry.name);
      const at = segmentOptions(entry.name);
      const output = at.output;
      const early = made[i];
      const prepared = early
        ? await node.prepareSegment(base, early.entries, at, early.draft)
        : await node.prepareSegment(base, node.nodeEntriesOf(nodeInputs(entry, mac, fleetDir)), at);
      const { generatedKey, ...written } = prepared.result;
      const files: AtomicFile[] = [];
      if (options.segmentOnly) files.push({ target: output, data: prepared.segment, mode: 0o644 });
      else writeNodeImage(base.path, prepared.segment, output);
      const configKeyFile = generatedKey === undefined ? undefined : join(outDir, `${entry.name}.CONFIG_KEY`);
      if (configKeyFile !== undefined)
        files.push({ target: configKeyFile, data: generatedKey as string, mode: 0o600 });
      outputs.add(files);
      results.push({
        name: entry.name,
        ...written,
        ...(mac === undefined ? {} : { mac }),
        ...(configKeyFile === undefined ? {} : { configKeyFile }),
      });
    }
  } catch (err) {
    await commit();
    throw err;
  }
  await commit();
  return results;
}

/**
 * Files written at most this many at a time while nodes are verified (the rest of the thread pool
 * inflates their segments), and once the last is verified.
 */
const WRITE_LANES = 2;
const LAST_LANES = 16;

/**
 * The nodes' outputs, written on the thread pool (writeFilesAtomic) while later nodes are made and
 * verified, {@link WRITE_LANES} files at a time; the first failure stops the writing and is
 * reported by {@link Outputs.done}.
 */
class Outputs {
  private readonly queue: AtomicFile[] = [];
  private readonly lanes: Promise<void>[] = [];
  private active = 0;
  private failed = false;
  private failure: unknown;

  add(files: AtomicFile[]): void {
    if (this.failed) return;
    this.queue.push(...files);
    this.start(WRITE_LANES);
  }

  /** Resolves once every file added is in place (directories not synced), or rejects with the first failure. */
  async done(): Promise<void> {
    this.start(LAST_LANES);
    await Promise.all(this.lanes);
    if (this.failed) throw this.failure;
  }

  private start(lanes: number): void {
    while (this.active < lanes && this.active < this.queue.length) {
      this.active += 1;
      this.lanes.push(this.lane());
    }
  }

  private async lane(): Promise<void> {
    try {
      for (let file = this.queue.shift(); file !== undefined; file = this.queue.shift())
        await writeFilesAtomic([file], { syncDirectories: false });
    } catch (err) {
      if (!this.failed) [this.failed, this.failure] = [true, err];
      this.queue.length = 0;
    } finally {
      this.active -= 1;
    }
  }
}

function nodeInputs(node: FleetNode, mac: string | undefined, cwd: string): NodeInputs & { cwd: string } {
  return { nodeConfig: node.node_config, mac, configKey: node.config_key, add: node.add, cwd };
}

/**
 * One turn of the event loop: the base's inflation on the thread pool goes on only as its chunks'
 * callbacks run here, so the nodes are made in short steps between them.
 */
const turn = () => new Promise<void>((done) => setImmediate(done));

/** A node's records and its segment drafted, made while the base is verified. */
interface Made {
  entries: SegmentEntries;
  draft: SegmentDraft;
}

/**
 * The records and drafted segment of every node with its address given (a `pool:` node's comes
 * from the dispenser, once the base is verified), one node per turn of the event loop so that the
 * base's verification goes on between them.
 */
async function madeMeanwhile(
  nodes: FleetNode[],
  cwd: string,
  node: typeof import('./overlay-image.js'),
  segmentOptions: (name: string) => SegmentOptions,
): Promise<(Made | undefined)[]> {
  const made: (Made | undefined)[] = [];
  for (const entry of nodes) {
    if (entry.pool === undefined) {
      const entries = node.nodeEntriesOf(nodeInputs(entry, entry.mac, cwd));
      await turn();
      made.push({ entries, draft: await node.draftSegment(entries, segmentOptions(entry.name)) });
    } else made.push(undefined);
    await turn();
  }
  return made;
}

/** The addresses of `pool:` nodes, by node name, from one dispenser session. */
async function allocate(nodes: FleetNode[], options: FleetOptions): Promise<Map<string, string>> {
  const wanted = nodes.filter((n) => n.pool !== undefined);
  const macs = new Map<string, string>();
  if (wanted.length === 0) return macs;
  // rock-mac's library (and its database drivers) is loaded only for fleets that allocate.
  const { withDispenser } = await import('../../mac/index.js');
  await withDispenser({ env: options.env ?? process.env, cwd: options.cwd }, async (d) => {
    for (const node of wanted) {
      const { allocation } = await d.allocate({ pool: node.pool, deviceId: node.name });
      macs.set(node.name, allocation.macAddress);
    }
  });
  return macs;
}
