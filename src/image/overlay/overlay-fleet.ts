import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { WriteCompression } from '../../compression/index.js';
import { InputError } from '../../errors/index.js';
import { syncDirectory, writeFileAtomic } from '../../util/atomic-write.js';
import { makeDirs } from '../../util/make-dirs.js';
import { validateYaml, YamlInvalidError, type YamlIssue } from '../../yaml/index.js';
import { type Fleet, type FleetNode, fleetSchema } from './fleet-schema.js';
import { type OverlayResult, type PreparedNode, prepareNode, verifiedBase } from './overlay-image.js';

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
 * to `DIR/<name>.CONFIG_KEY` (0600) beside the image.
 */
export async function overlayFleet(options: FleetOptions): Promise<FleetNodeResult[]> {
  const cwd = options.cwd ?? process.cwd();
  const fleetPath = resolve(cwd, options.fleet);
  const fleet = readFleet(fleetPath);
  const fleetDir = dirname(fleetPath);
  const outDir = resolve(cwd, options.outDir);
  const base = await verifiedBase(resolve(cwd, options.base));
  makeDirs(outDir);
  const macs = await allocate(fleet.nodes, options);
  const results: FleetNodeResult[] = [];
  // Each node is verified in turn (a failure stops before any later node is written); its outputs
  // are written while the next ones are made, a few at a time, so that their fsyncs overlap.
  const writing: Promise<FleetNodeResult>[] = [];
  const settle = async (): Promise<void> => {
    const entry = await (writing.shift() as Promise<FleetNodeResult>);
    results.push(entry);
    options.onNode?.(results.length - 1, fleet.nodes.length, entry);
  };
  try {
    for (const node of fleet.nodes) {
      const mac = node.mac ?? macs.get(node.name);
      const prepared = await prepareNode(base, {
        base: base.path,
        output: join(outDir, `${node.name}.img`),
        nodeConfig: node.node_config,
        mac,
        configKey: node.config_key,
        add: node.add,
        segmentOnly: options.segmentOnly,
        compress: options.compress,
        sourceDateEpoch: options.sourceDateEpoch,
        cwd: fleetDir,
      });
      writing.push(writeNode(node.name, mac, prepared, outDir));
      if (writing.length >= WRITES_IN_FLIGHT) await settle();
    }
    while (writing.length > 0) await settle();
  } finally {
    await Promise.allSettled(writing);
    // Every output was renamed into place without its own directory sync: one for all of them.
    syncDirectory(outDir);
  }
  return results;
}

/** Outputs being written at once (their fsyncs run on the thread pool). */
const WRITES_IN_FLIGHT = 8;

/** Writes one node's image and its generated key, if any (0600). */
async function writeNode(
  name: string,
  mac: string | undefined,
  prepared: PreparedNode,
  outDir: string,
): Promise<FleetNodeResult> {
  const { generatedKey, ...written } = prepared.result;
  let configKeyFile: string | undefined;
  const image = prepared.write(false);
  if (generatedKey !== undefined) {
    configKeyFile = join(outDir, `${name}.CONFIG_KEY`);
    await Promise.all([
      image,
      writeFileAtomic(configKeyFile, generatedKey, { mode: 0o600, syncDirectory: false }),
    ]);
  } else await image;
  return {
    name,
    ...written,
    ...(mac === undefined ? {} : { mac }),
    ...(configKeyFile === undefined ? {} : { configKeyFile }),
  };
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
