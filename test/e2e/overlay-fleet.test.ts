// rock-image overlay --fleet end to end: a base built once, three nodes (a node.yaml file, inline
// mappings, given and generated keys) written with --segment-only and as full images. Each segment
// is what GNU cpio reads after gzip -dc, carries the node's MAC, and `cat base seg` passes
// rock-verify integration; a generated key is kept 0600 beside the image; a second run gives the
// same bytes. A later run takes the base's verdict from ROCK_HOME/verified-bases/ (one file, 0600),
// and writes the very segments a run that verifies the base anew (--no-base-cache) writes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, runTool } from '../support/cli.js';

const KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n';
const inline = (id: string) =>
  `{ node_id: ${id}, hostname: ${id}, role: worker, network: { interface: eth0 }, volcano: { server_url: "https://v.example.com:8443", agent_id: ${id} } }`;

let work: string;
const at = (name: string) => join(work, name);

function ok(run: { status: number | null; stderr: string }, what: string) {
  if (run.status !== 0) throw new Error(`${what} failed: ${run.stderr}`);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rock-overlay-fleet-'));
  writeFileSync(at('key'), KEY, { mode: 0o600 });
  writeFileSync(
    at('n1.yaml'),
    'node_id: n1\nhostname: n1\nrole: worker\nnetwork:\n  interface: eth0\nvolcano:\n  server_url: https://v.example.com:8443\n  agent_id: n1\n',
  );
  writeFileSync(
    at('fleet.yaml'),
    [
      'nodes:',
      '  - name: n1',
      '    node_config: n1.yaml',
      '    mac: A4:58:0F:01:00:01',
      '    config_key: key',
      '  - name: n2',
      `    node_config: ${inline('n2')}`,
      '    mac: a4:58:0f:01:00:02',
      '    config_key: generate',
      '  - name: n3',
      `    node_config: ${inline('n3')}`,
      '    mac: a4:58:0f:01:00:03',
      '',
    ].join('\n'),
  );
  const base = ['--config-key', at('key'), '-q', '-o', at('base.img')];
  ok(runTool('rock-image', ['create', ...componentFlags(fixturesDir()), ...base]), 'rock-image create');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('rock-image overlay --fleet', () => {
  it('writes every node segment, verified, and cat base seg is the full node image', () => {
    const fleet = (dir: string, more: string[] = []) =>
      runTool('rock-image', [
        'overlay',
        at('base.img'),
        '--fleet',
        at('fleet.yaml'),
        '--out-dir',
        at(dir),
        ...more,
      ]);
    ok(fleet('seg', ['--segment-only']), 'overlay --fleet --segment-only');
    ok(fleet('seg-again', ['--segment-only']), 'overlay --fleet --segment-only (again)');
    ok(fleet('full'), 'overlay --fleet');
    const base = readFileSync(at('base.img'));
    for (const [name, mac] of [
      ['n1', 'a4:58:0f:01:00:01'],
      ['n2', 'a4:58:0f:01:00:02'],
      ['n3', 'a4:58:0f:01:00:03'],
    ] as const) {
      const seg = at(`seg/${name}.img`);
      const yaml = execFileSync('sh', [
        '-c',
        `gzip -dc < '${seg}' | cpio -i --to-stdout --quiet config/node.yaml`,
      ]);
      expect(yaml.toString()).toContain(`mac: ${mac}`);
      expect(yaml.toString()).toContain(`node_id: ${name}`);
      const cat = Buffer.concat([base, readFileSync(seg)]);
      // n2's key is generated anew by each run: its segments differ from run to run, the others not.
      if (name !== 'n2') {
        expect(readFileSync(at(`seg-again/${name}.img`)).equals(readFileSync(seg))).toBe(true);
        expect(readFileSync(at(`full/${name}.img`)).equals(cat)).toBe(true);
      }
      writeFileSync(at('cat.img'), cat);
      const verify = runTool('rock-verify', ['integration', at('cat.img')]);
      expect(verify.stdout).toMatch(/^PASSED: /m);
    }
    expect(statSync(at('seg/n2.CONFIG_KEY')).mode & 0o777).toBe(0o600);
    const key = execFileSync('sh', [
      '-c',
      `gzip -dc < '${at('seg/n2.img')}' | cpio -i --to-stdout --quiet config/CONFIG_KEY`,
    ]);
    expect(key.equals(readFileSync(at('seg/n2.CONFIG_KEY')))).toBe(true);
  });

  it("takes the base's verdict from ROCK_HOME/verified-bases/ in a later run, with the same output", () => {
    const home = at('home');
    const fleet = (dir: string, more: string[] = []) => {
      const run = runTool(
        'rock-image',
        ['overlay', at('base.img'), '--fleet', at('fleet.yaml'), '--out-dir', at(dir), '--json', ...more],
        { env: { ROCK_HOME: home } },
      );
      ok(run, `overlay --fleet ${more.join(' ')}`);
      return (JSON.parse(run.stdout) as { name: string; baseFromStore: boolean }[]).map(
        (n) => n.baseFromStore,
      );
    };
    expect(fleet('anew', ['--segment-only', '--no-base-cache'])).toEqual([false, false, false]);
    expect(existsSync(join(home, 'verified-bases'))).toBe(false);
    expect(fleet('first', ['--segment-only'])).toEqual([false, false, false]);
    const stored = readdirSync(join(home, 'verified-bases'));
    expect(stored).toHaveLength(1);
    expect(statSync(join(home, 'verified-bases', stored[0] as string)).mode & 0o777).toBe(0o600);
    expect(fleet('later', ['--segment-only'])).toEqual([true, true, true]);
    expect(fleet('later-full')).toEqual([true, true, true]);
    const base = readFileSync(at('base.img'));
    for (const name of ['n1', 'n3']) {
      const segment = readFileSync(at(`anew/${name}.img`));
      expect(readFileSync(at(`later/${name}.img`)).equals(segment)).toBe(true);
      expect(readFileSync(at(`later-full/${name}.img`)).equals(Buffer.concat([base, segment]))).toBe(true);
    }
  });
});
