import { parseDocument } from 'yaml';
import { InputError } from '../errors/index.js';
import { parseNicMac } from '../net/index.js';
import { formatYamlIssue } from '../yaml/index.js';
import { type ConfigIssue, validateNodeConfig } from './parse.js';

/**
 * Writes a hardware address into a node configuration as `network.mac` (the canonical lower-case colon
 * form, from the suite's one MAC parser: trimmed, any case, `:` or `-`), keeping the
 * file's comments and layout, and returns the new text. This is how `rock-image create --mac` puts
 * an address from `rock-mac allocate` into the image's node.yaml.
 *
 * Refuses (InputError CONFIG_INVALID, exit 2) a configuration that does not validate before or
 * after the change, naming the file, line:column and field; a MAC a NIC cannot have is refused by the
 * parser (`MAC_MALFORMED`, `MAC_NOT_UNICAST`, field `mac`).
 */
export function setNodeMac(text: string, mac: string, source: string): string {
  const canonical = parseNicMac(mac, 'mac');
  const before = validateNodeConfig(text);
  if (!before.ok) throw invalid(source, before.errors);
  const doc = parseDocument(text);
  doc.setIn(['network', 'mac'], canonical);
  const updated = doc.toString();
  const after = validateNodeConfig(updated);
  if (!after.ok) throw invalid(source, after.errors, canonical);
  return updated;
}

function invalid(source: string, errors: ConfigIssue[], mac?: string): InputError {
  const first = errors[0];
  const where = first ? formatYamlIssue(source, first) : `${source}: invalid`;
  const message =
    mac === undefined ? where : `mac ${mac}: ${first?.path ?? 'network.mac'}: ${first?.message ?? ''}`;
  return new InputError('CONFIG_INVALID', message, {
    ...(mac === undefined ? {} : { field: 'mac' }),
    source,
    errors: errors.map((e) => formatYamlIssue(source, e)),
  });
}
