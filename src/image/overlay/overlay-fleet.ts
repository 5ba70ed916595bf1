import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { WriteCompression } from '../../compression/index.js';
import { InputError } from '../../errors/index.js';
import { type AtomicFile, syncDirectory, writeFilesAtomic } from '../../util/atomic-write.js';
import { makeDirs } from '../../util/make-dirs.js';
import { validateYaml, YamlInvalidError, type YamlIssue } from '../../yaml/index.js';
import { type Fleet, type FleetNode, fleetSchema } from './fleet-schema.js';
import { nodeEntriesOf, type OverlayResult, prepareSegment, verifiedBase } from './overlay-image.js';
import type { NodeInputs, SegmentEntries } from './segment-entries.js';
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

/** Reads and validates FLEET.yaml: every problem with line:column (YamlInvalidError FLEET_INVALID). */
export function readFleet(path: string): Fleet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('INPUT_NOT_FOUND', `${path}: cannot read: ${(err as NodeJS.ErrnoException).code}`, {
      field: 'fleet',
      path,
    });
  }
  const result = validateYaml(text, fleetSchema);
  if (!result.ok) throw new YamlInvalidError('FLEET_INVALID', path, result.issues);
  const seen = new Map<string, number>();
  const issues: YamlIssue[] = [];
  result.value.nodes.forEach((node, i) => {
    const first = seen.get(node.name);
    if (first !== undefined) {
      issues.push({
        ...result.locate.at(['nodes', i, 'name']),
        path: `nodes[${i}].name`,
        message: `expected a name no other node has, got '${node.name}' (also nodes[${first}])`,
        code: 'duplicate_name',
      });
    } else seen.set(node.name, i);
  });
  if (issues.length > 0) throw new YamlInvalidError('FLEET_INVALID', path, issues);
  return result.value;
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
  const pending = verifiedBase(resolve(cwd, options.base));
  pending.catch(() => undefined); // awaited on every path below
  let fleet: Fleet;
  let made: (SegmentEntries | undefined)[];
  try {
    fleet = readFleet(fleetPath);
    made = await entriesMeanwhile(fleet.nodes, fleetDir);
  } catch (err) {
    await pending; // a base that fails is reported first, as when it was verified first
    throw err;
  }
  const base = await pending;
  makeDirs(outDir);
  const macs = await allocate(fleet.nodes, options);
  const results: FleetNodeResult[] = [];
  const files: AtomicFile[] = [];
  // Outputs are written together once the nodes are verified (writeFilesAtomic: one fsync round and
  // one directory sync for all), so that no fsync holds the thread pool while segments are read.
  const commit = async (): Promise<void> => {
    await writeFilesAtomic(files);
    if (!options.segmentOnly && results.length > 0) syncDirectory(outDir);
    for (const [i, result] of results.entries()) options.onNode?.(i, fleet.nodes.length, result);
  };
  try {
    for (const [i, node] of fleet.nodes.entries()) {
      const mac = node.mac ?? macs.get(node.name);
      const output = join(outDir, `${node.name}.img`);
      const prepared = await prepareSegment(base, made[i] ?? nodeEntriesOf(nodeInputs(node, mac, fleetDir)), {
        output,
        segmentOnly: options.segmentOnly,
        compress: options.compress,
        sourceDateEpoch: options.sourceDateEpoch,
      });
      const { generatedKey, ...written } = prepared.result;
      if (options.segmentOnly) files.push({ target: output, data: prepared.segment, mode: 0o644 });
      else writeNodeImage(base.path, prepared.segment, output);
      const configKeyFile = generatedKey === undefined ? undefined : join(outDir, `${node.name}.CONFIG_KEY`);
      if (configKeyFile !== undefined)
        files.push({ target: configKeyFile, data: generatedKey as string, mode: 0o600 });
      results.push({
        name: node.name,
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

function nodeInputs(node: FleetNode, mac: string | undefined, cwd: string): NodeInputs & { cwd: string } {
  return { nodeConfig: node.node_config, mac, configKey: node.config_key, add: node.add, cwd };
}

/**
 * The records of every node with its address given (a `pool:` node's comes from the dispenser,
 * once the base is verified), one node per turn of the event loop so that the base's verification
 * goes on between them.
 */
async function entriesMeanwhile(nodes: FleetNode[], cwd: string): Promise<(SegmentEntries | undefined)[]> {
  const made: (SegmentEntries | undefined)[] = [];
  for (const node of nodes) {
    made.push(node.pool === undefined ? nodeEntriesOf(nodeInputs(node, node.mac, cwd)) : undefined);
    await new Promise<void>((done) => setImmediate(done));
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
