// rock-image create --compress gzip, zstd, xz and lz4, end to end: the images verify, list the same
// names as the uncompressed image, read with bsdtar, pass the codec's own test (gzip -t and pigz -t,
// zstd -t, xz -t, lz4 -t), decode with its tool to exactly the uncompressed image, are
// byte-identical when built again with one thread, and boot the Debian cloud kernel to rock-init
// and both services (gzip written in parallel blocks is still one member, which the kernel needs). Then the trap the xz writer avoids: xz's default CRC64
// check, which the kernel's xz decoder refuses; rock-verify must say so before any boot.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPRESSIONS } from '../../src/compression/index.js';
import { fixturesDir, testKernelPath } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, runTool } from '../support/cli.js';

const MARKERS = ['ROCK-INIT: started pid=1', 'ROCK-INIT: all services started'];

let work: string;
let kernel: string;

const NODE_YAML = [
  'node_id: zx-1',
  'hostname: zx-1',
  'role: worker',
  'network:',
  '  interface: eth0',
  'volcano:',
  '  server_url: https://volcano.example.com:8443',
  '  agent_id: zx-1',
  '',
].join('\n');

function create(compress: string, output: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const fx = fixturesDir();
  return runTool(
    'rock-image',
    [
      'create',
      ...componentFlags(fx),
      '--config-key',
      join(work, 'CONFIG_KEY'),
      '--node-config',
      join(work, 'node.yaml'),
      '--compress',
      compress,
      '-q',
      '-o',
      output,
      ...extra,
    ],
    { env },
  );
}

function built(compress: string, name: string, extra: string[] = []): string {
  const out = join(work, name);
  const run = create(compress, out, extra);
  if (run.status !== 0) throw new Error(`rock-image create --compress ${compress} failed: ${run.stderr}`);
  return out;
}

function boot(image: string) {
  const args = ['boot', image, '--kernel', kernel, '--timeout', '120', '--json'];
  for (const m of MARKERS) args.push('--expect', m);
  const run = runTool('rock-verify', args);
  return {
    status: run.status,
    verdict: JSON.parse(run.stdout) as {
      status: string;
      reason: string;
      markers: { text: string; ms: number | null }[];
    },
  };
}

function names(image: string): string[] {
  const run = runTool('rock-image', ['ls', image]);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trimEnd().split('\n');
}

const images: Record<string, string> = {};

beforeAll(() => {
  kernel = testKernelPath();
  work = mkdtempSync(join(tmpdir(), 'rock-compress-'));
  writeFileSync(join(work, 'CONFIG_KEY'), 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n', { mode: 0o600 });
  writeFileSync(join(work, 'node.yaml'), NODE_YAML);
  for (const c of ['gzip', 'zstd', 'xz', 'lz4', 'none']) {
    const threads = COMPRESSIONS[c as 'gzip'].write.threads ? ['--threads', '2'] : [];
    images[c] = built(c, `rock.${c}.img`, threads);
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Each codec's command-line test and decoder. */
const TOOLS = {
  gzip: [
    ['gzip', '-t'],
    ['pigz', '-t'],
    ['gzip', '-dc'],
  ],
  zstd: [
    ['zstd', '-tq'],
    ['zstd', '-dc'],
  ],
  xz: [
    ['xz', '-t'],
    ['xz', '-dc'],
  ],
  lz4: [
    ['lz4', '-tq'],
    ['lz4', '-dc'],
  ],
} as const;

describe.each(['gzip', 'zstd', 'xz', 'lz4'] as const)('rock-image create --compress %s', (codec) => {
  it('starts with the codec magic, verifies, and lists what the uncompressed image lists', () => {
    const image = images[codec] as string;
    const magic = Buffer.from(COMPRESSIONS[codec].magic).toString('hex');
    expect(
      readFileSync(image)
        .subarray(0, magic.length / 2)
        .toString('hex'),
    ).toBe(magic);
    if (codec === 'xz') expect(readFileSync(image).subarray(6, 8).toString('hex')).toBe('0001'); // CRC32
    const verify = runTool('rock-verify', ['integration', image]);
    expect(verify.stdout).toMatch(/^PASSED: /m);
    expect(verify.status).toBe(0);
    const listed = names(image);
    expect(listed.length).toBeGreaterThan(40);
    expect(listed).toEqual(names(images.none as string));
    const bsdtar = execFileSync('bsdtar', ['-tf', image]).toString().trimEnd().split('\n');
    expect([...bsdtar].sort()).toEqual([...listed].sort());
  });

  it("passes the codec's own tests and decodes with its tool to exactly the uncompressed image", () => {
    const image = images[codec] as string;
    const tools = TOOLS[codec];
    for (const [tool, flag] of tools.slice(0, -1)) execFileSync(tool, [flag, image], { stdio: 'pipe' });
    const [tool, flag] = tools.at(-1) as readonly [string, string];
    const decoded = execFileSync(tool, [flag, image], { maxBuffer: 1 << 28 });
    expect(decoded.equals(readFileSync(images.none as string))).toBe(true);
  });

  it('is byte-identical when built again on one thread', () => {
    const again = built(codec, `again.${codec}.img`, ['--threads', '1']);
    expect(readFileSync(again).equals(readFileSync(images[codec] as string))).toBe(true);
  });

  it('boots: rock-init runs as PID 1 and starts both services', () => {
    const { status, verdict } = boot(images[codec] as string);
    expect(verdict.status, verdict.reason).toBe('passed');
    expect(status).toBe(0);
    expect(verdict.markers.map((m) => m.text)).toEqual(MARKERS);
    for (const m of verdict.markers) expect(m.ms).not.toBeNull();
  });
});

describe("an xz image with xz's default CRC64 check", () => {
  let crc64: string;
  beforeAll(() => {
    crc64 = join(work, 'crc64.img');
    writeFileSync(crc64, execFileSync('xz', ['-c', '-T1', images.none as string], { maxBuffer: 1 << 28 }));
  });

  it('is refused by rock-verify integration, naming the check', () => {
    expect(readFileSync(crc64).subarray(0, 8).toString('hex')).toBe('fd377a585a000004');
    const verify = runTool('rock-verify', ['integration', crc64]);
    expect(verify.stdout).toContain(
      'crc64.img:0x0: xz integrity check: expected CRC32 or none (xz --check=crc32), found CRC64',
    );
    expect(verify.stdout).toMatch(/^FAILED: .*crc64\.img: 1 of \d+ checks failed$/m);
    expect(verify.status).toBe(1);
  });

  it('does not boot: the kernel fails to unpack it', () => {
    const { status, verdict } = boot(crc64);
    expect(status).toBe(1);
    expect(verdict.status).toBe('unpack-failed');
    expect(verdict.reason).toContain(
      'Initramfs unpacking failed: Input was encoded with settings that are not supported by this XZ decoder',
    );
  });
});

describe('rock-image create --kernel checks the codec against RD_*', () => {
  it('refuses --compress zstd for a kernel built without RD_ZSTD, and takes gzip and xz', () => {
    const env = { ROCK_HOME: join(work, 'home') };
    const config = [
      'CONFIG_BLK_DEV_INITRD=y',
      'CONFIG_RD_GZIP=y',
      '# CONFIG_RD_ZSTD is not set',
      'CONFIG_RD_XZ=y',
      'CONFIG_DEVTMPFS=y',
      'CONFIG_PROC_FS=y',
      'CONFIG_SYSFS=y',
      'CONFIG_TMPFS=y',
      'CONFIG_BINFMT_ELF=y',
      'CONFIG_SERIAL_8250=y',
      'CONFIG_SERIAL_8250_CONSOLE=y',
      'CONFIG_VIRTIO_PCI=y',
      'CONFIG_VIRTIO_NET=y',
      '',
    ].join('\n');
    writeFileSync(join(work, 'config-nozstd'), config);
    copyFileSync(kernel, join(work, 'vmlinuz-nozstd'));
    const add = runTool(
      'rock-kernel',
      [
        'add',
        join(work, 'vmlinuz-nozstd'),
        '--name',
        'nozstd',
        '--config',
        join(work, 'config-nozstd'),
        '-q',
      ],
      { env },
    );
    expect(add.status, add.stderr).toBe(0);
    const kernelArgs = ['--kernel', 'nozstd'];
    const zstd = create('zstd', join(work, 'k.zstd.img'), kernelArgs, env);
    expect(zstd.stderr).toContain('kernel nozstd: cannot boot this zstd image: missing CONFIG_RD_ZSTD');
    expect(zstd.status).toBe(1);
    expect(create('xz', join(work, 'k.xz.img'), kernelArgs, env).status).toBe(0);
    expect(create('gzip', join(work, 'k.gzip.img'), kernelArgs, env).status).toBe(0);
  });
});
