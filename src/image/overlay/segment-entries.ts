import { readFileSync, statSync } from 'node:fs';
import { stringify } from 'yaml';
import { validateNodeConfig } from '../../config/parse.js';
import { setNodeMac } from '../../config/set-mac.js';
import { CONFIG_KEY_PATH, NODE_CONFIG_PATH } from '../../contract/index.js';
import { newInfo } from '../../cpio/new-info.js';
import { normalizeName } from '../../cpio/normalize-name.js';
import type { WriteEntry } from '../../cpio/types.js';
import { InputError } from '../../errors/index.js';
import { parseNicMac } from '../../net/mac-address.js';
import { formatKey, generateKeyBytes, parseKey } from '../../security/key-file.js';
import { formatYamlIssue } from '../../yaml/types.js';
import { fileContent } from '../file-content.js';

/** What one node adds to the base. */
export interface NodeInputs {
  /** The node configuration: a file, or an inline mapping (from a fleet file). */
  nodeConfig?: string | Record<string, unknown>;
  /** Written into the node configuration as `network.mac`. */
  mac?: string;
  /** CONFIG_KEY: a key file, or `generate` for a fresh key. */
  configKey?: string;
  /** Files to add, `SOURCE:/ABSOLUTE/DEST`. */
  add?: string[];
}

/** The entries of a node's segment, and the generated key (to be kept by the caller), if any. */
export interface SegmentEntries {
  entries: WriteEntry[];
  generatedKey?: string;
}

const bytesEntry = (path: string, perm: number, bytes: Uint8Array): WriteEntry => ({
  info: newInfo(path.slice(1), 'file', perm, { size: bytes.length }),
  content: bytes,
});

/**
 * The records a node's segment carries: /config/node.yaml (with `mac` as network.mac), the
 * CONFIG_KEY (0400), the added files, and directories for any parent the base lacks (`exists`
 * says which paths it has: a directory it has is never re-declared, which would reset its mode).
 * Refuses (exit 2) a node configuration that does not validate (file:line:column), `mac` without
 * one, a key file that is not a CONFIG_KEY, and an `add` without `SOURCE:/DEST`.
 */
export function segmentEntries(inputs: NodeInputs, exists: (path: string) => boolean): SegmentEntries {
  return withParentDirs(nodeEntries(inputs), exists);
}

/**
 * {@link segmentEntries} without the parent directories: all that does not depend on the base, so
 * that a fleet makes it while the base is still being verified.
 */
export function nodeEntries(inputs: NodeInputs): SegmentEntries {
  const entries: WriteEntry[] = [];
  const config = nodeConfigText(inputs);
  if (config !== undefined) entries.push(bytesEntry(NODE_CONFIG_PATH, 0o644, Buffer.from(config)));
  let generatedKey: string | undefined;
  if (inputs.configKey === 'generate') {
    const key = generateKeyBytes();
    generatedKey = formatKey(key);
    key.fill(0);
    entries.push(bytesEntry(CONFIG_KEY_PATH, 0o400, Buffer.from(generatedKey)));
  } else if (inputs.configKey !== undefined) {
    const text = readSecret(inputs.configKey);
    parseKey(text, `configKey (${inputs.configKey})`).fill(0); // refuses anything but a CONFIG_KEY
    entries.push(bytesEntry(CONFIG_KEY_PATH, 0o400, text));
  }
  for (const spec of inputs.add ?? []) entries.push(addedFile(spec));
  return generatedKey === undefined ? { entries } : { entries, generatedKey };
}

/** The entries of {@link nodeEntries} and a directory record for each parent the base lacks. */
export function withParentDirs(made: SegmentEntries, exists: (path: string) => boolean): SegmentEntries {
  const dirs = new Set<string>();
  for (const entry of made.entries) {
    const parts = entry.info.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!exists(`/${dir}`)) dirs.add(dir);
    }
  }
  if (dirs.size === 0) return made;
  const entries = [...made.entries];
  for (const dir of dirs) entries.push({ info: newInfo(dir, 'directory', 0o755) });
  return { ...made, entries };
}

function nodeConfigText(inputs: NodeInputs): string | undefined {
  const { nodeConfig, mac } = inputs;
  if (nodeConfig === undefined) {
    if (mac !== undefined)
      throw new InputError(
        'MAC_WITHOUT_NODE_CONFIG',
        'mac: expected nodeConfig too (the address is written into it)',
        {
          field: 'mac',
        },
      );
    return undefined;
  }
  if (typeof nodeConfig !== 'string' && mac !== undefined) {
    const text = inlineWithMac(nodeConfig, mac);
    if (text !== undefined) return text;
  }
  const source = typeof nodeConfig === 'string' ? nodeConfig : 'node_config';
  const text = typeof nodeConfig === 'string' ? readText(nodeConfig) : stringify(nodeConfig);
  if (mac !== undefined) return setNodeMac(text, mac, source);
  const result = validateNodeConfig(text);
  if (!result.ok) {
    const first = result.errors[0];
    throw new InputError('CONFIG_INVALID', first ? formatYamlIssue(source, first) : `${source}: invalid`, {
      source,
      errors: result.errors.map((e) => formatYamlIssue(source, e)),
    });
  }
  return text;
}

/**
 * What `setNodeMac(stringify(config), mac)` gives an inline mapping whose `network` has no `mac`
 * yet (the same text: the key is appended to `network` either way), with one YAML pass instead of
 * four; undefined for any other mapping, or one that does not validate, which the general path
 * then refuses with its messages.
 */
function inlineWithMac(config: Record<string, unknown>, mac: string): string | undefined {
  const network = config.network;
  if (typeof network !== 'object' || network === null || Array.isArray(network) || 'mac' in network)
    return undefined;
  const text = stringify({ ...config, network: { ...network, mac: parseNicMac(mac, 'mac') } });
  return validateNodeConfig(text).ok ? text : undefined;
}

function readSecret(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InputError(
      'INPUT_NOT_FOUND',
      `configKey (${path}): cannot read: ${(err as NodeJS.ErrnoException).code}`,
      {
        field: 'configKey',
        path,
      },
    );
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(
      'INPUT_NOT_FOUND',
      `nodeConfig (${path}): cannot read: ${(err as NodeJS.ErrnoException).code}`,
      {
        field: 'nodeConfig',
        path,
      },
    );
  }
}

/** `SOURCE:/DEST`: the file at DEST, 0755 when its source is executable, else 0644. */
function addedFile(spec: string): WriteEntry {
  const colon = spec.lastIndexOf(':');
  const source = colon > 0 ? spec.slice(0, colon) : '';
  const dest = colon > 0 ? spec.slice(colon + 1) : '';
  if (source === '' || !dest.startsWith('/') || dest === '/') {
    throw new InputError('ADD_INVALID', `add: expected SOURCE:/ABSOLUTE/PATH, got '${spec}'`, {
      field: 'add',
    });
  }
  const content = fileContent(source, `add (${source})`);
  const perm = statSync(source).mode & 0o111 ? 0o755 : 0o644;
  return { info: newInfo(normalizeName(dest.slice(1)), 'file', perm, { size: content.size }), content };
}
