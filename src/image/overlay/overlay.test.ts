import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPRESSIONS, type WriteCompression } from '../../compression/index.js';
import { verifyImage } from '../../verify/index.js';
import { FLEET_SCHEMA_FILE, fleetJsonSchema } from './fleet-schema.js';
import { overlayFleet } from './overlay-fleet.js';
import { overlayImage } from './overlay-image.js';
import { readFleet } from './read-fleet.js';
import { segmentPadding } from './segment-bytes.js';
import { makeBases, NODE } from './test-support/bases.js';

let work: string;
let bases: Partial<Record<WriteCompression, string>> = {};
const at = (name: string) => path.join(work, name);

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-overlay-'));
  bases = await makeBases(work, ['gzip']);
}, 120_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('overlayImage', () => {
  it("is the base followed by the node's segment, reproducible, and what --segment-only writes", async () => {
    fs.writeFileSync(at('n1.yaml'), NODE('n1'));
    const node = {
      base: bases.gzip as string,
      nodeConfig: at('n1.yaml'),
      mac: 'A4:58:0F:00:00:11',
      configKey: at('key'),
    };
    const full = await overlayImage({ ...node, output: at('n1.img') });
    await overlayImage({ ...node, output: at('n1-again.img') });
    const segment = await overlayImage({ ...node, output: at('n1.seg'), segmentOnly: true });
    const base = fs.readFileSync(bases.gzip as string);
    const image = fs.readFileSync(at('n1.img'));
    expect(image.equals(Buffer.concat([base, fs.readFileSync(at('n1.seg'))]))).toBe(true);
    expect(fs.readFileSync(at('n1-again.img')).equals(image)).toBe(true);
    expect(full.verify.passed).toBe(true);
    expect(segment.bytes).toBe(full.segmentBytes);
    // The kernel's view, by GNU cpio: the segment's node.yaml carries the MAC, lower case.
    const listing = execFileSync('sh', ['-c', `gzip -dc < '${at('n1.seg')}' | cpio -tv --quiet`]).toString();
    expect(listing).toMatch(/^-r-------- .* config\/CONFIG_KEY$/m);
    expect(listing).toMatch(/^-rw-r--r-- .* config\/node\.yaml$/m);
    const yaml = execFileSync('sh', [
      '-c',
      `gzip -dc < '${at('n1.seg')}' | cpio -i --to-stdout --quiet config/node.yaml`,
    ]);
    expect(yaml.toString()).toContain('mac: a4:58:0f:00:00:11');
    const report = await verifyImage(at('n1.img'));
    expect(report.passed).toBe(true);
  });

  it('refuses a node image that breaks the contract and writes nothing', async () => {
    fs.writeFileSync(at('empty'), '');
    const failing = overlayImage({
      base: bases.gzip as string,
      output: at('bad.img'),
      add: [`${at('empty')}:/sbin/init`],
    });
    await expect(failing).rejects.toMatchObject({ code: 'IMAGE_VERIFY_FAILED', exitCode: 1 });
    expect(fs.existsSync(at('bad.img'))).toBe(false);
  });

  it('puts a zero word after an lz4 base, and an uncompressed segment on a multiple of 4', () => {
    expect(segmentPadding(1001, 'lz4', 'gzip')).toBe(4);
    expect(segmentPadding(1001, 'gzip', 'gzip')).toBe(0);
    expect(segmentPadding(1001, 'gzip', 'none')).toBe(3);
    expect(segmentPadding(1001, 'lz4', 'none')).toBe(7);
  });
});

describe('fleets', () => {
  it('makes every node, allocates pool: addresses through rock-mac, keeps generated keys 0600', async () => {
    fs.writeFileSync(at('f1.yaml'), NODE('f1'));
    fs.writeFileSync(
      at('pools.yaml'),
      'version: 1\npools:\n  development:\n    start: a4:58:0f:10:00:00\n    end: a4:58:0f:10:00:ff\n    auto_release_days: never\n',
    );
    fs.writeFileSync(
      at('fleet.yaml'),
      [
        'nodes:',
        '  - name: f1',
        '    node_config: f1.yaml',
        '    mac: a4:58:0f:01:00:10',
        '    config_key: key',
        '  - name: f2',
        '    node_config: { node_id: f2, hostname: f2, role: worker, network: { interface: eth0 }, volcano: { server_url: "https://v.example.com:8443", agent_id: f2 } }',
        '    pool: development',
        '    config_key: generate',
        '',
      ].join('\n'),
    );
    const env = { ROCK_MAC_DB: at('mac.db'), ROCK_MAC_CONFIG: at('pools.yaml') };
    const results = await overlayFleet({
      base: bases.gzip as string,
      fleet: at('fleet.yaml'),
      outDir: at('out'),
      env,
    });
    expect(results.map((r) => [r.name, r.mac, r.verify.passed])).toEqual([
      ['f1', 'a4:58:0f:01:00:10', true],
      ['f2', 'a4:58:0f:10:00:00', true],
    ]);
    expect(fs.statSync(at('out/f2.CONFIG_KEY')).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(at('out/f1.CONFIG_KEY'))).toBe(false);
    // Allocation is per device: a second run gives f2 the same address.
    const again = await overlayFleet({
      base: bases.gzip as string,
      fleet: at('fleet.yaml'),
      outDir: at('out'),
      env,
    });
    expect(again[1]?.mac).toBe('a4:58:0f:10:00:00');
  });

  it('refuses a fleet file with line:column for each problem', () => {
    fs.writeFileSync(
      at('bad-fleet.yaml'),
      'nodes:\n  - name: a\n    node_config: a.yaml\n    mac: nope\n  - name: a\n    node_config: b.yaml\n',
    );
    expect(() => readFleet(at('bad-fleet.yaml'))).toThrow(
      expect.objectContaining({
        code: 'FLEET_INVALID',
        message: expect.stringMatching(/bad-fleet\.yaml:4:10: nodes\[0\]\.mac: expected a MAC/),
      }),
    );
  });

  it('publishes the JSON schema generated from the zod schema', () => {
    const committed = JSON.parse(
      fs.readFileSync(path.join(import.meta.dirname, '../../..', FLEET_SCHEMA_FILE), 'utf8'),
    );
    expect(committed).toEqual(fleetJsonSchema());
    expect(Object.keys(COMPRESSIONS)).toContain('lz4');
  });
});
