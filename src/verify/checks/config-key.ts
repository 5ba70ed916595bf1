/**
 * Configuration files rock-init reads. CONFIG_KEY is optional (`rock-image create` without
 * `--config-key` is allowed: absence is a warning) but when present it is a regular file with an
 * owner-only mode and never world-readable. The node configuration, when present, is a regular
 * file nobody else can write.
 */
import { CONFIG_KEY_MODES, CONFIG_KEY_PATH, NODE_CONFIG_PATH } from '../../contract/index.js';
import type { CheckResult, ImageTree } from '../types.js';
import { describe, failure, locate, octal, Tally } from './helpers.js';

/** Runs the CONFIG_KEY and node configuration checks. */
export function checkConfigFiles(tree: ImageTree): CheckResult {
  const t = new Tally();
  const key = locate(tree, CONFIG_KEY_PATH).node;
  const present = t.expect(
    key !== undefined,
    () =>
      failure('config-key.missing', CONFIG_KEY_PATH, 'config key', 'a key file (--config-key)', 'nothing'),
    'warning',
  );
  if (present && key) {
    const isFile = t.expect(key.type === 'file', () =>
      failure('config-key.type', CONFIG_KEY_PATH, 'config key', 'a regular file', describe(key)),
    );
    if (isFile) {
      const modes = CONFIG_KEY_MODES.map(octal).join(' or ');
      t.expect(CONFIG_KEY_MODES.includes(key.perm), () =>
        failure('config-key.mode', CONFIG_KEY_PATH, 'mode', modes, octal(key.perm)),
      );
      t.expect((key.perm & 0o004) === 0, () =>
        failure('config-key.world-readable', CONFIG_KEY_PATH, 'mode', 'not world-readable', octal(key.perm)),
      );
    }
  }
  const config = locate(tree, NODE_CONFIG_PATH).node;
  if (config) {
    const isFile = t.expect(config.type === 'file', () =>
      failure('node-config.type', NODE_CONFIG_PATH, 'node configuration', 'a regular file', describe(config)),
    );
    if (isFile) {
      t.expect((config.perm & 0o002) === 0, () =>
        failure('node-config.mode', NODE_CONFIG_PATH, 'mode', 'not world-writable', octal(config.perm)),
      );
    }
  }
  return t.result();
}
