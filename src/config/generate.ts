import { parseDocument } from 'yaml';
import { CheckError } from '../errors/index.js';
import { formatYamlIssue } from '../yaml/index.js';
import { validateNodeConfig } from './parse.js';
import { STARTER_NODE_CONFIG } from './starter.js';

/** What `rock-config generate` fills in; the rest comes from the starter. */
export interface GenerateOptions {
  nodeId: string;
  /** Default: the node id. */
  hostname?: string;
  role?: 'master' | 'worker' | 'edge';
  /** Hardware address of the interface (upper case is accepted and lowered). */
  mac?: string;
  interface?: string;
  serverUrl?: string;
  /** Default: the node id. */
  agentId?: string;
}

/**
 * A node.yaml for one node: the commented starter with the given values set. Returns text that
 * validates.
 *
 * Refuses CONFIG_INVALID (exit 1) when a value does not fit the schema (a bad node id or MAC), with
 * the schema's message for it.
 */
export function generateNodeConfig(options: GenerateOptions): string {
  const doc = parseDocument(STARTER_NODE_CONFIG);
  doc.setIn(['node_id'], options.nodeId);
  doc.setIn(['hostname'], options.hostname ?? options.nodeId);
  doc.setIn(['volcano', 'agent_id'], options.agentId ?? options.nodeId);
  if (options.role !== undefined) doc.setIn(['role'], options.role);
  if (options.mac !== undefined) doc.setIn(['network', 'mac'], options.mac.toLowerCase());
  if (options.interface !== undefined) doc.setIn(['network', 'interface'], options.interface);
  if (options.serverUrl !== undefined) doc.setIn(['volcano', 'server_url'], options.serverUrl);
  const text = doc.toString();
  const result = validateNodeConfig(text);
  if (!result.ok) {
    const first = result.errors[0]!;
    throw new CheckError('CONFIG_INVALID', `generate: ${first.path}: ${first.message}`, {
      errors: result.errors.map((e) => formatYamlIssue('generated', e)),
    });
  }
  return text;
}
