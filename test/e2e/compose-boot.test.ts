// The README's main job, as one pipeline: pipelines/build-rock-os.yaml allocates a MAC, makes a
// CONFIG_KEY and a node config, builds the image through rock-image.yaml, verifies it and boots it
// in QEMU with that MAC, expecting rock-init, rock-manager and volcano-agent on the console. Then a
// second run does no build work.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, testKernelPath } from '../../src/qemu/test-support/test-kernel.js';
import { type CliRun, repoRoot, runTool } from '../support/cli.js';

type JsonRun = { stages: { name: string; status: string; reason: string | null; log: string | null }[] };

let work: string;
let first: CliRun;
let args: string[];
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  fixturesDir();
  testKernelPath();
  work = mkdtempSync(join(tmpdir(), 'rock-compose-boot-'));
  env = { ROCK_HOME: join(work, 'home') };
  args = [
    'run',
    join(repoRoot, 'pipelines/build-rock-os.yaml'),
    '--json',
    '--var',
    `BUILD=${join(work, 'build')}`,
    '--state-dir',
    join(work, 'state'),
  ];
  first = runTool('rock-compose', args, { env });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pipelines/build-rock-os.yaml', () => {
  it('allocates, builds, verifies and boots with the allocated MAC', () => {
    const result = JSON.parse(first.stdout) as JsonRun;
    expect(Object.fromEntries(result.stages.map((s) => [s.name, s.status])), first.stderr).toEqual({
      'allocate-mac': 'succeeded',
      'build-dir': 'succeeded',
      'config-key': 'succeeded',
      'node-config': 'succeeded',
      'encrypt-node-config': 'succeeded',
      'create-image': 'succeeded',
      verify: 'succeeded',
      'add-kernel': 'succeeded',
      boot: 'succeeded',
    });
    expect(first.status).toBe(0);
    const mac = readFileSync(join(work, 'build/node.yaml'), 'utf8').match(
      /mac: (a4:58:0f:[0-9a-f:]{8})/,
    )?.[1];
    expect(mac).toBeDefined();
    const boot = readFileSync(result.stages.find((s) => s.name === 'boot')!.log!, 'utf8');
    expect(boot).toContain(`BOOTIF=01-${mac!.replace(/:/g, '-')}`);
    for (const marker of [
      'ROCK-INIT: started pid=1',
      'ROCK-MANAGER: started',
      'VOLCANO-AGENT: config decrypted node_id=node-01',
      'ROCK-INIT: all services started',
    ]) {
      expect(boot).toMatch(new RegExp(`\\d+\\.\\d+s\\s+${marker}`));
    }
    expect(boot).toMatch(/^PASSED/m);
    expect(existsSync(join(work, 'build/rock.img'))).toBe(true);
  });

  it('runs again without rebuilding anything: key, config and image are up to date', () => {
    const second = runTool('rock-compose', args, { env });
    const result = JSON.parse(second.stdout) as JsonRun;
    expect(Object.fromEntries(result.stages.map((s) => [s.name, s.status]))).toMatchObject({
      'config-key': 'cached',
      'node-config': 'cached',
      'encrypt-node-config': 'cached',
      'create-image': 'cached',
      verify: 'succeeded',
      boot: 'succeeded',
    });
    expect(second.status).toBe(0);
  });
});
