/**
 * What rock-init will read from the configuration files: a CONFIG_KEY that decodes to exactly the
 * 32 bytes of an AES-256 key, a node configuration that validates against the node.yaml schema
 * (the one `rock-config validate` uses), and config files placed with the modes `rock-image` gives
 * them (0644, or owner-only). Key material is never quoted in a message.
 */

import { CONFIG_DIRS, CONFIG_FILE_MODE, CONFIG_KEY_PATH, NODE_CONFIG_PATH } from '../../contract/index.js';
import { parseKey } from '../../security/key-file.js';
import { formatYamlIssue } from '../../yaml/types.js';
import type { CheckResult, ImageTree } from '../types.js';
import { failure, locate, octal, Tally } from './helpers.js';
import { nodeConfigValidator } from './node-config-validator.js';

/** Runs the key-format, node-config-schema and config-mode checks. */
export function checkConfigContent(tree: ImageTree): CheckResult {
  const t = new Tally();
  const key = locate(tree, CONFIG_KEY_PATH).node;
  if (key?.type === 'file') {
    t.expect(decodesAsKey(key.data), () =>
      failure(
        'config-key.format',
        CONFIG_KEY_PATH,
        'content',
        'base64 of 32 bytes and a newline',
        'something else',
      ),
    );
  }
  const config = locate(tree, NODE_CONFIG_PATH).node;
  if (config?.type === 'file') {
    const result = nodeConfigValidator()(Buffer.from(config.data).toString('utf8'));
    const issues = result.ok ? [] : result.errors;
    t.expect(issues.length === 0, () => {
      const first = issues[0];
      const detail = first ? formatYamlIssue(NODE_CONFIG_PATH, first) : '';
      return {
        rule: 'node-config.invalid',
        path: NODE_CONFIG_PATH,
        expected: 'a node configuration that validates (rock-config validate)',
        found: `${issues.length} error(s)`,
        message: `${detail}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
      };
    });
  }
  for (const node of tree.nodes.values()) {
    if (node.type !== 'file' || node.path === CONFIG_KEY_PATH) continue;
    if (!CONFIG_DIRS.some((dir) => node.path.startsWith(`${dir}/`))) continue;
    const ok = node.perm === CONFIG_FILE_MODE || (node.perm & 0o177) === 0;
    t.expect(ok, () =>
      failure(
        'config-file.mode',
        node.path,
        'mode',
        `${octal(CONFIG_FILE_MODE)} or owner-only`,
        octal(node.perm),
      ),
    );
  }
  return t.result();
}

function decodesAsKey(data: Uint8Array): boolean {
  try {
    parseKey(data, CONFIG_KEY_PATH).fill(0);
    return true;
  } catch {
    return false;
  }
}
