import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTemp, repoRoot, tempHome, testKernelDeb } from '../kernel/test-support/kernel-deb.js';
import { rockKernelProgram } from './rock-kernel.js';
import { type Captured, runInProcess } from './test-support/run-in-process.js';

const home = tempHome();

function cli(...argv: string[]): Promise<Captured> {
  return runInProcess('rock-kernel', rockKernelProgram, argv, { home, env: { ROCK_HOME: home } });
}

describe('rock-kernel', () => {
  const work = tempHome();
  let release = '';
  afterAll(() => {
    removeTemp(home);
    removeTemp(work);
  });

  it('adds a .deb and shows it in list, show and default', async () => {
    const added = await cli('add', testKernelDeb(), '--json');
    expect(added.code).toBe(0);
    const k = JSON.parse(added.out) as { meta: { name: string; release: string }; isDefault: boolean };
    release = k.meta.release;
    expect(k.isDefault).toBe(true);
    expect(k.meta.name).toBe(release);
    const list = await cli('list');
    expect(list.out).toMatch(
      new RegExp(
        `^\\* ${release.replace(/\./g, '\\.')}  ${release.replace(/\./g, '\\.')}  deb  config  \\d+ modules$`,
      ),
    );
    const show = await cli('show');
    expect(show.out.split('\n')[0]).toBe(`${release} [default]`);
    expect(show.out).toContain('modules.dep written from .modinfo');
    expect(await cli('default')).toEqual({ code: 0, out: release, err: '' });
  });

  it('list and show report a corrupt meta.json with its path (exit 2) and still list the good kernels', async () => {
    const dir = path.join(home, 'kernels', 'zz-broken');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'meta.json'), 'not json');
    try {
      const list = await cli('list');
      expect(list.code).toBe(2);
      expect(list.out).toContain(release);
      expect(list.err).toBe(
        `rock-kernel: ${dir}/meta.json: kernel "zz-broken": expected JSON, found 8 bytes that do not parse; rock-kernel remove zz-broken or add it again with --force`,
      );
      const show = await cli('show', 'zz-broken');
      expect(show.code).toBe(2);
      expect(show.err).toContain(`${dir}/meta.json: kernel "zz-broken"`);
      const json = await cli('list', '--json');
      expect(JSON.parse(json.out).error.code).toBe('KERNEL_META_CORRUPT');
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('check: passes gzip and zstd; names missing options and exits 1', async () => {
    const ok = await cli('check', '--compress', 'zstd');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('ok      CONFIG_RD_ZSTD=y');
    expect(ok.out).toContain(
      'module  CONFIG_VIRTIO_NET=m: the virtio-net driver (QEMU virtio-net-pci) (module virtio_net must go into the image)',
    );
    expect(ok.out.split('\n').at(-1)).toBe(
      'PASSED: every option is set; image needs --modules virtio_pci virtio_net',
    );
    const inImage = await cli('check', release, '--image-modules', 'virtio_pci', '--json');
    expect(inImage.code).toBe(1);
    expect(JSON.parse(inImage.out).missing).toEqual(['VIRTIO_NET']);
    const config = path.join(work, 'config');
    fs.writeFileSync(config, 'CONFIG_BLK_DEV_INITRD=y\nCONFIG_RD_GZIP=y\n');
    const vmlinuz = path.join(home, 'kernels', release, 'vmlinuz');
    expect((await cli('add', vmlinuz, '--name', 'tiny', '--config', config, '-q')).code).toBe(0);
    const bad = await cli('check', 'tiny', '--compress', 'xz');
    expect(bad.code).toBe(1);
    expect(bad.out.split('\n').at(-1)).toBe(
      'FAILED: missing CONFIG_RD_XZ, CONFIG_DEVTMPFS, CONFIG_PROC_FS, CONFIG_SYSFS, CONFIG_TMPFS, CONFIG_BINFMT_ELF, CONFIG_SERIAL_8250, CONFIG_SERIAL_8250_CONSOLE, CONFIG_VIRTIO_PCI, CONFIG_VIRTIO_NET',
    );
    expect((await cli('check', 'tiny', '--compress', 'brotli')).code).toBe(2);
  });

  it('cmdline prints one line; modules prints the closure', async () => {
    expect(
      await cli('cmdline', 'production', '--mac', 'a4:58:0f:01:00:10', '--append', 'loglevel=4'),
    ).toEqual({
      code: 0,
      out: 'quiet init=/sbin/init rdinit=/sbin/init net.ifnames=0 BOOTIF=01-a4-58-0f-01-00-10 loglevel=4',
      err: '',
    });
    const bad = await cli('cmdline', 'nosuch');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('rock-kernel: mode "nosuch": expected one of debug, production');
    const mods = await cli('modules', release, 'virtio_net', 'ext4');
    expect(mods.out.split('\n')).toEqual([
      `lib/modules/${release}/kernel/drivers/virtio/virtio_ring.ko`,
      `lib/modules/${release}/kernel/drivers/virtio/virtio.ko`,
      `lib/modules/${release}/kernel/net/core/failover.ko`,
      `lib/modules/${release}/kernel/drivers/net/net_failover.ko`,
      `lib/modules/${release}/kernel/drivers/net/virtio_net.ko`,
      '# ext4: built into the kernel, nothing to load',
    ]);
    const json = await cli('modules', release, 'nope', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out).error.code).toBe('MODULE_NOT_FOUND');
  });

  it('default sets, remove removes', async () => {
    expect((await cli('default', 'tiny')).out).toBe('tiny');
    expect((await cli('remove', 'tiny')).out).toBe('removed tiny (it was the default; none is set now)');
    const none = await cli('default');
    expect(none.code).toBe(2);
    expect(none.err).toBe('rock-kernel: no default kernel set (rock-kernel default NAME)');
    expect((await cli('default', release)).out).toBe(release);
    expect((await cli('remove', 'tiny')).code).toBe(2);
  });

  it('runs as a process: exit codes, stderr and --json on stdout', () => {
    const bin = path.join(repoRoot, 'dist/bin/rock-kernel.js');
    const source = path.join(repoRoot, 'src/cli/rock-kernel.ts');
    if (!fs.existsSync(bin) || fs.statSync(bin).mtimeMs < fs.statSync(source).mtimeMs) {
      // tsc emits even when files of other folders have type errors; its exit code is not ours.
      spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: repoRoot });
    }
    const env = { ...process.env, ROCK_HOME: home };
    const run = (...args: string[]) => spawnSync('node', [bin, ...args], { env, encoding: 'utf8' });
    const list = run('list', '--json');
    expect(list.status).toBe(0);
    expect((JSON.parse(list.stdout) as { meta: { name: string } }[]).map((k) => k.meta.name)).toEqual([
      release,
    ]);
    const notKernel = path.join(work, 'readme.txt');
    fs.writeFileSync(notKernel, 'hello');
    const refused = run('add', notKernel);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `rock-kernel: ${notKernel}: not a Linux bzImage: 5 bytes, too short for a setup header (needs 530)\n`,
    );
    expect(run('fetch', 'http://127.0.0.1:9/k.deb').status).toBe(2); // --sha256 is required
    expect(execFileSync('node', [bin, 'cmdline'], { env, encoding: 'utf8' })).toBe(
      'console=ttyS0 debug init=/sbin/init rdinit=/sbin/init net.ifnames=0\n',
    );
  });
});
