// rock-build through a pipeline: pipelines/build-components.yaml builds the components from source
// (make and gcc on the C stand-ins, Debian's busybox), creates the image from build/components,
// verifies it and boots it in QEMU, expecting every marker.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturesDir, testKernelPath } from '../../src/qemu/test-support/test-kernel.js';
import { repoRoot, runTool } from '../support/cli.js';

type JsonRun = { stages: { name: string; status: string }[] };

const work = mkdtempSync(join(tmpdir(), 'rock-build-pipeline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pipelines/build-components.yaml', () => {
  it('builds the components, then creates, verifies and boots an image from them', () => {
    fixturesDir();
    testKernelPath();
    const run = runTool(
      'rock-compose',
      [
        'run',
        join(repoRoot, 'pipelines/build-components.yaml'),
        '--json',
        '--var',
        `BUILD=${join(work, 'build')}`,
        '--state-dir',
        join(work, 'state'),
      ],
      { env: { ROCK_HOME: join(work, 'home') } },
    );
    const result = JSON.parse(run.stdout) as JsonRun;
    expect(Object.fromEntries(result.stages.map((s) => [s.name, s.status])), run.stderr).toEqual({
      'build-components': 'succeeded',
      'build-dir': 'succeeded',
      'config-key': 'succeeded',
      'node-config': 'succeeded',
      'encrypt-node-config': 'succeeded',
      'create-image': 'succeeded',
      verify: 'succeeded',
      'add-kernel': 'succeeded',
      boot: 'succeeded',
    });
    expect(run.status).toBe(0);
  }, 600_000);
});
