// The node-config validator (zod, yaml) loads only when a record may put a /config/node.yaml in the
// tree. A file of its own: the first case runs before anything in this process loaded it, so it
// fails (a bug error from the check) if the unpacker missed a way for node.yaml to appear.
import { describe, expect, it } from 'vitest';
import { GOOD_NODE_CONFIG, withExtra, without } from '../test-support/good-image.js';
import { verifyRecords } from '../verify.js';

const BAD = GOOD_NODE_CONFIG.replace('role: worker', 'role: boss');

describe('node-config validation loaded on demand', () => {
  it('a node.yaml reached through a symlinked /config is validated (the first check of this file)', async () => {
    const report = await verifyRecords(
      withExtra(
        [
          { name: 'etc/rock/node.yaml', type: 'file', perm: 0o644, data: BAD },
          { name: 'config', type: 'symlink', perm: 0o777, target: 'etc/rock' },
        ],
        (specs) =>
          specs.filter(
            (s) => !s.name.startsWith('config/') && !(s.name === 'config' && s.type === 'directory'),
          ),
      ),
    );
    const invalid = report.failures.filter((f) => f.rule === 'node-config.invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.message).toMatch(/^\/config\/node\.yaml:3:7: role: /);
  });

  it('an image without node.yaml verifies without it', async () => {
    const report = await verifyRecords(without('config/node.yaml'));
    expect(report.failures.filter((f) => f.rule === 'node-config.invalid')).toEqual([]);
  });
});
