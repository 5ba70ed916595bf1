import { describe, expect, it } from 'vitest';
import { GOOD_NODE_CONFIG, withChange, withExtra } from '../test-support/good-image.js';
import type { VerifyReport } from '../types.js';
import { verifyRecords } from '../verify.js';

function failuresOf(report: VerifyReport, rule: string) {
  return report.failures.filter((f) => f.rule === rule);
}

describe('config content', () => {
  it('fails a CONFIG_KEY that is not base64 of 32 bytes, without quoting it', async () => {
    const report = await verifyRecords(withChange('config/CONFIG_KEY', { data: 'secret-but-short\n' }));
    const [f] = failuresOf(report, 'config-key.format');
    expect(f?.path).toBe('/config/CONFIG_KEY');
    expect(JSON.stringify(report)).not.toContain('secret-but-short');
    expect(report.passed).toBe(false);
  });

  it('fails a node.yaml that does not validate, with line:column and the field', async () => {
    const bad = GOOD_NODE_CONFIG.replace('role: worker', 'role: boss').concat('colour: blue\n');
    const report = await verifyRecords(withChange('config/node.yaml', { data: bad }));
    const [f] = failuresOf(report, 'node-config.invalid');
    expect(f?.message).toMatch(/^\/config\/node\.yaml:3:7: role: /);
    expect(f?.message).toContain('(and 1 more)');
  });

  it('fails a node.yaml that is not YAML at all', async () => {
    const report = await verifyRecords(withChange('config/node.yaml', { data: 'node_id: [unclosed\n' }));
    expect(failuresOf(report, 'node-config.invalid')).toHaveLength(1);
  });

  it('fails a world-writable config under /etc/rock and accepts 0644 and owner-only ones', async () => {
    const report = await verifyRecords(
      withExtra([
        { name: 'etc/rock/a.yaml', type: 'file', perm: 0o666, data: 'a: 1\n' },
        { name: 'etc/rock/b.yaml', type: 'file', perm: 0o644, data: 'b: 1\n' },
        { name: 'etc/rock/c.enc', type: 'file', perm: 0o600, data: 'c' },
      ]),
    );
    expect(failuresOf(report, 'config-file.mode').map((f) => f.message)).toEqual([
      '/etc/rock/a.yaml: mode: expected 0644 or owner-only, found 0666',
    ]);
  });
});
