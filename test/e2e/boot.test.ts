// The whole job, as a user runs it: build an image with rock-image from the stand-in components,
// verify it, boot it in QEMU with the Debian cloud kernel, and see rock-init run as PID 1 and start
// both services. Then the kernel fact behind the contract: without /init, `init=` alone panics, and
// rock-verify predicts it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, testKernelPath } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, runTool } from '../support/cli.js';

let work: string;
let kernel: string;
let image: string;

const MARKERS = [
  'ROCK-INIT: started pid=1',
  'ROCK-INIT: config-key ok',
  'ROCK-MANAGER: started',
  'VOLCANO-AGENT: started',
  // The dynamically linked agent found its interpreter, libssl and libcrypto in the image...
  'VOLCANO-AGENT: openssl OpenSSL 3.',
  // ...and read the encrypted config with /config/CONFIG_KEY through the shared envelope.
  'VOLCANO-AGENT: config decrypted node_id=boot-1',
  'ROCK-INIT: volcano-agent exited status=0',
  'ROCK-INIT: all services started',
];

const NODE_YAML = [
  'node_id: boot-1',
  'hostname: boot-1',
  'role: worker',
  'network:',
  '  interface: eth0',
  'volcano:',
  '  server_url: https://volcano.example.com:8443',
  '  agent_id: boot-1',
  '',
].join('\n');

beforeAll(() => {
  const fx = fixturesDir();
  kernel = testKernelPath();
  work = mkdtempSync(join(tmpdir(), 'rock-boot-'));
  writeFileSync(join(work, 'CONFIG_KEY'), 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n', { mode: 0o600 });
  writeFileSync(join(work, 'node.yaml'), NODE_YAML);
  const enc = runTool('rock-security', [
    'encrypt',
    join(work, 'node.yaml'),
    '-o',
    join(work, 'node.yaml.enc'),
    '--key',
    join(work, 'CONFIG_KEY'),
  ]);
  if (enc.status !== 0) throw new Error(`rock-security encrypt failed: ${enc.stderr}`);
  image = join(work, 'rock.img');
  const run = runTool('rock-image', [
    'create',
    ...componentFlags(fx),
    '--config-key',
    join(work, 'CONFIG_KEY'),
    '--node-config',
    join(work, 'node.yaml'),
    '--config',
    `${join(work, 'node.yaml.enc')}:/etc/rock/node.yaml.enc`,
    '-q',
    '-o',
    image,
  ]);
  if (run.status !== 0) throw new Error(`rock-image create failed: ${run.stderr}`);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('booting a rock-image image in QEMU', () => {
  it('runs rock-init as PID 1 and both services start', () => {
    const args = ['boot', image, '--kernel', kernel, '--timeout', '120', '--json'];
    for (const m of MARKERS) args.push('--expect', m);
    const run = runTool('rock-verify', args);
    const verdict = JSON.parse(run.stdout) as {
      status: string;
      passed: boolean;
      markers: { text: string; ms: number | null }[];
    };
    expect(verdict.status, run.stdout).toBe('passed');
    expect(run.status).toBe(0);
    expect(verdict.markers.map((m) => m.text)).toEqual(MARKERS);
    for (const m of verdict.markers) expect(m.ms).not.toBeNull();
  });

  it('boots through the /init link with init=/sbin/init alone', () => {
    const cmdline = 'console=ttyS0 panic=-1 init=/sbin/init';
    const verify = runTool('rock-verify', ['integration', image, '--cmdline', cmdline]);
    expect(verify.status).toBe(0);
    const run = runTool('rock-verify', [
      'boot',
      image,
      '--kernel',
      kernel,
      '--cmdline',
      cmdline,
      '--timeout',
      '120',
      '--json',
      '--expect',
      MARKERS[0] as string,
    ]);
    expect((JSON.parse(run.stdout) as { status: string }).status).toBe('passed');
  });

  it('panics without /init when only init= is given, and rock-verify says so before the boot', () => {
    // The same tree repacked by GNU cpio without the /init link: a hand-made image, as the original
    // find | cpio | gzip build made them.
    const tree = join(work, 'tree');
    expect(runTool('rock-image', ['extract', image, tree]).status).toBe(0);
    unlinkSync(join(tree, 'init'));
    const noInit = join(work, 'no-init.img');
    execFileSync('sh', [
      '-c',
      `cd '${tree}' && find . -mindepth 1 | sed 's|^\\./||' | sort | cpio -o -H newc --quiet | gzip -n > '${noInit}'`,
    ]);

    const cmdline = 'console=ttyS0 panic=-1 init=/sbin/init';
    const verify = runTool('rock-verify', ['integration', noInit, '--cmdline', cmdline]);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toMatch(/init=/);
    expect(verify.stdout).toMatch(/VFS: Unable to mount root fs/);

    const run = runTool('rock-verify', [
      'boot',
      noInit,
      '--kernel',
      kernel,
      '--cmdline',
      cmdline,
      '--timeout',
      '120',
      '--json',
      '--expect',
      MARKERS[0] as string,
    ]);
    const verdict = JSON.parse(run.stdout) as { status: string; panicLine?: string };
    expect(run.status).toBe(1);
    expect(verdict.status).toBe('panic');
    expect(verdict.panicLine).toMatch(/VFS: Unable to mount root fs/);

    // And rdinit= reaches rock-init in the very same image.
    const rd = 'console=ttyS0 panic=-1 rdinit=/sbin/init';
    const direct = runTool('rock-verify', ['integration', noInit, '--cmdline', rd]);
    expect(direct.stdout).toMatch(/^PASSED/m);
    expect(direct.status).toBe(0);
  });
});
