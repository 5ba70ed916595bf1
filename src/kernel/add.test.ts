import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { addKernel } from './add.js';
import {
  getDefaultKernel,
  kernelsDir,
  listKernels,
  listStore,
  removeKernel,
  resolveKernel,
  type StoredKernel,
  setDefaultKernel,
} from './store.js';
import { apkWith, debWith } from './test-support/archives.js';
import { removeTemp, tempHome, testKernelDeb, treeFiles } from './test-support/kernel-deb.js';

async function refusal(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected a refusal');
}

/** The store holds nothing but what is listed (no temp dirs left). */
function storeEntries(home: string): string[] {
  return fs.existsSync(kernelsDir(home)) ? fs.readdirSync(kernelsDir(home)).sort() : [];
}

describe('adding kernels to the store', () => {
  const home = tempHome();
  const work = tempHome();
  let deb: StoredKernel;
  let vmlinuz: Buffer;
  let config: string;
  afterAll(() => {
    removeTemp(home);
    removeTemp(work);
  });

  beforeAll(async () => {
    deb = await addKernel(testKernelDeb(), { home });
    vmlinuz = fs.readFileSync(deb.vmlinuz);
    config = fs.readFileSync(deb.config!, 'utf8');
  });

  it("stores Debian's .deb: kernel, config, System.map, modules with a generated modules.dep", () => {
    const release = deb.meta.release;
    expect(deb.dir).toBe(path.join(home, 'kernels', release));
    expect(storeEntries(home)).toEqual([release, 'default']);
    expect(getDefaultKernel(home)).toBe(release);
    expect(deb.isDefault).toBe(true);
    expect(deb.meta.source.kind).toBe('deb');
    expect(deb.meta.hasConfig && deb.meta.hasSystemMap).toBe(true);
    expect(config).toContain('CONFIG_BLK_DEV_INITRD=y');
    expect(vmlinuz.subarray(0x202, 0x206).toString('latin1')).toBe('HdrS');
    expect(deb.meta.vmlinuzBytes).toBe(vmlinuz.length);
    expect(deb.meta.moduleCount).toBeGreaterThan(1000);
    expect(deb.meta.modulesDepGenerated).toBe(true);
    const dep = fs.readFileSync(path.join(deb.modulesDir!, 'modules.dep'), 'utf8');
    expect(dep).toContain(
      'kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n',
    );
    expect(dep.trim().split('\n')).toHaveLength(deb.meta.moduleCount);
    expect(fs.readFileSync(path.join(deb.modulesDir!, 'modules.alias'), 'utf8')).toContain(
      'alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n',
    );
    expect(fs.existsSync(path.join(deb.modulesDir!, 'kernel/drivers/net/virtio_net.ko'))).toBe(true);
  });

  it('refuses to store the same name twice, replaces it with force, and stores under --name', async () => {
    const again = await refusal(addKernel(testKernelDeb(), { home }));
    expect(again.code).toBe('KERNEL_EXISTS');
    const bare = path.join(work, `vmlinuz-${deb.meta.release}`);
    fs.writeFileSync(bare, vmlinuz);
    fs.writeFileSync(path.join(work, `config-${deb.meta.release}`), config);
    const named = await addKernel(bare, { home, name: 'bare' });
    expect(named.meta).toMatchObject({
      name: 'bare',
      release: deb.meta.release,
      hasConfig: true,
      hasSystemMap: false,
      moduleCount: 0,
    });
    expect(named.meta.source.kind).toBe('bzimage');
    expect(named.isDefault).toBe(false);
    expect(fs.readFileSync(named.config!, 'utf8')).toBe(config);
    const gz = path.join(work, 'config.gz');
    fs.writeFileSync(gz, zlib.gzipSync(Buffer.from('CONFIG_ONLY_THIS=y\n')));
    const replaced = await addKernel(bare, { home, name: 'bare', force: true, config: gz });
    expect(fs.readFileSync(replaced.config!, 'utf8')).toBe('CONFIG_ONLY_THIS=y\n');
    expect(listKernels(home).map((k) => k.meta.name)).toEqual([deb.meta.release, 'bare']);
  });

  it('refuses a --config that is not a kernel config, keeping the stored one; reads the IKCONFIG form', async () => {
    const bare = path.join(work, 'vmlinuz');
    fs.writeFileSync(bare, vmlinuz);
    await addKernel(bare, { home, name: 'cfg', config: path.join(work, `config-${deb.meta.release}`) });
    const random = path.join(work, 'random.img');
    fs.writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const garbage = await refusal(addKernel(bare, { home, name: 'cfg', force: true, config: random }));
    expect(garbage.code).toBe('KERNEL_CONFIG_INVALID');
    expect(garbage.message).toBe(
      `${random}: config: expected a kernel config (CONFIG_X=... lines, plain, gzip or IKCONFIG), found 4096 bytes of binary data`,
    );
    const prose = path.join(work, 'notes.txt');
    fs.writeFileSync(prose, 'just some text\n');
    expect(
      (await refusal(addKernel(bare, { home, name: 'cfg', force: true, config: prose }))).message,
    ).toContain('found text with no CONFIG_X=... line (15 bytes)');
    expect(fs.readFileSync(resolveKernel('cfg', home).config!, 'utf8')).toBe(config);
    // kernel/configs.c: the gzip'd config between IKCFG_ST and IKCFG_ED inside the kernel or configs.ko.
    const embedded = path.join(work, 'configs.ko');
    const gz = zlib.gzipSync(Buffer.from('CONFIG_EMBEDDED=y\n'));
    fs.writeFileSync(
      embedded,
      Buffer.concat([Buffer.alloc(64, 0x7f), Buffer.from('IKCFG_ST'), gz, Buffer.from('IKCFG_ED')]),
    );
    const ik = await addKernel(bare, { home, name: 'cfg', force: true, config: embedded });
    expect(fs.readFileSync(ik.config!, 'utf8')).toBe('CONFIG_EMBEDDED=y\n');
    removeKernel('cfg', home);
  });

  it('reports an entry whose meta.json is corrupt with its path, never hides it', async () => {
    const bare = path.join(work, 'vmlinuz');
    fs.writeFileSync(bare, vmlinuz);
    const k = await addKernel(bare, { home, name: 'broken' });
    const meta = path.join(k.dir, 'meta.json');
    for (const [content, reason] of [
      ['{"name": "broken", ', 'expected JSON, found 19 bytes that do not parse'],
      ['{"name": "broken"}', 'release: '],
    ] as const) {
      fs.writeFileSync(meta, content);
      const store = listStore(home);
      expect(store.kernels.map((x) => x.meta.name)).not.toContain('broken');
      expect(store.corrupt).toEqual([expect.objectContaining({ name: 'broken', metaPath: meta })]);
      expect(store.corrupt[0]?.reason).toContain(reason);
      expect(() => resolveKernel('broken', home)).toThrow(
        expect.objectContaining({
          code: 'KERNEL_META_CORRUPT',
          exitCode: 2,
          message: expect.stringMatching(new RegExp(`^${meta}: kernel "broken": ${reason}`)),
        }),
      );
    }
    fs.rmSync(k.dir, { recursive: true });
  });

  it('reads a synthetic Alpine .apk (concatenated gzip segments)', async () => {
    const release = deb.meta.release;
    const closure = [
      'drivers/net/virtio_net.ko',
      'drivers/net/net_failover.ko',
      'net/core/failover.ko',
      'drivers/virtio/virtio.ko',
      'drivers/virtio/virtio_ring.ko',
    ];
    const modules = closure.map((m) => ({
      name: `lib/modules/${release}/kernel/${m}`,
      data: fs.readFileSync(path.join(deb.modulesDir!, 'kernel', m)),
    }));
    const apk = path.join(work, 'linux-virt-6.1.apk');
    fs.writeFileSync(
      apk,
      apkWith([
        { name: 'boot/', type: 'directory' },
        { name: 'boot/vmlinuz-virt', data: vmlinuz },
        { name: 'boot/config-virt', data: config },
        ...modules,
        { name: `lib/modules/${release}/build`, type: 'symlink', linkName: '/usr/src/linux' },
      ]),
    );
    const k = await addKernel(apk, { home, name: 'alpine-virt' });
    expect(k.meta).toMatchObject({ release, hasConfig: true, moduleCount: 5, modulesDepGenerated: true });
    expect(k.meta.source.kind).toBe('apk');
    expect(k.meta.skipped).toEqual([`lib/modules/${release}/build (symlink -> /usr/src/linux)`]);
    expect(treeFiles(k.dir)).toEqual([
      'config',
      'meta.json',
      'modules',
      'modules/kernel',
      'modules/kernel/drivers',
      'modules/kernel/drivers/net',
      'modules/kernel/drivers/net/net_failover.ko',
      'modules/kernel/drivers/net/virtio_net.ko',
      'modules/kernel/drivers/virtio',
      'modules/kernel/drivers/virtio/virtio.ko',
      'modules/kernel/drivers/virtio/virtio_ring.ko',
      'modules/kernel/net',
      'modules/kernel/net/core',
      'modules/kernel/net/core/failover.ko',
      'modules/modules.alias',
      'modules/modules.dep',
      'vmlinuz',
    ]);
    expect(fs.readFileSync(k.vmlinuz).equals(vmlinuz)).toBe(true);
    const dep = fs.readFileSync(path.join(k.modulesDir!, 'modules.dep'), 'utf8');
    expect(dep.split('\n').find((l) => l.startsWith('kernel/drivers/net/virtio_net.ko:'))).toBe(
      'kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
    );
  });

  it('refuses a module tree whose dependencies are incomplete, naming the missing one', async () => {
    const apk = path.join(work, 'partial.apk');
    const virtio = fs.readFileSync(path.join(deb.modulesDir!, 'kernel/drivers/net/virtio_net.ko'));
    fs.writeFileSync(
      apk,
      apkWith([
        { name: 'boot/vmlinuz-virt', data: vmlinuz },
        { name: `lib/modules/${deb.meta.release}/kernel/drivers/net/virtio_net.ko`, data: virtio },
      ]),
    );
    const e = await refusal(addKernel(apk, { home, name: 'partial' }));
    expect(e.code).toBe('MODULE_DEPENDENCY_MISSING');
    expect(e.message).toBe(
      'kernel/drivers/net/virtio_net.ko: depends on virtio_ring, which is not among the modules',
    );
    expect(storeEntries(home)).not.toContain('partial');
  });

  it('refuses packages with .. or absolute member names, leaving nothing behind', async () => {
    const before = storeEntries(home);
    for (const [name, bad] of [
      ['dotdot.deb', '../../etc/evil'],
      ['abs.deb', '/etc/evil'],
      ['inner.deb', './lib/modules/x/../../../evil'],
    ] as const) {
      const file = path.join(work, name);
      fs.writeFileSync(
        file,
        debWith([
          { name: './boot/vmlinuz-x', data: vmlinuz.subarray(0, 4096) },
          { name: bad, data: 'x' },
        ]),
      );
      const e = await refusal(addKernel(file, { home }));
      expect(e.code).toBe('ARCHIVE_UNSAFE_PATH');
      expect(e.message).toContain(`member ${JSON.stringify(bad)}`);
      expect(e.message).toContain('refusing the whole archive');
    }
    const apk = path.join(work, 'evil.apk');
    fs.writeFileSync(apk, apkWith([{ name: '../evil', data: 'x' }]));
    expect((await refusal(addKernel(apk, { home }))).code).toBe('ARCHIVE_UNSAFE_PATH');
    expect(storeEntries(home)).toEqual(before);
    expect(fs.existsSync(path.join(home, 'evil'))).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(home), 'evil'))).toBe(false);
  });

  it('says what it found instead of a kernel: a directory, nothing, an initramfs image (not an apk)', async () => {
    const before = storeEntries(home);
    expect((await refusal(addKernel(work, { home }))).message).toBe(
      `${work}: expected a kernel file, .deb or .apk, found a directory`,
    );
    const gone = path.join(work, 'gone');
    expect((await refusal(addKernel(gone, { home }))).message).toBe(
      `${gone}: expected a kernel file, .deb or .apk, found nothing (no such file or directory)`,
    );
    const image = path.join(work, 'image.cpio.gz');
    const cpio = execFileSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: work, input: '.\n' });
    fs.writeFileSync(image, zlib.gzipSync(cpio));
    const e = await refusal(addKernel(image, { home }));
    expect(e.code).toBe('KERNEL_SOURCE_IS_IMAGE');
    expect(e.message).toBe(
      `${image}: expected a kernel file, .deb or .apk, found an initramfs image (gzip-compressed cpio); boot it with rock-kernel boot --image ${image}`,
    );
    expect(storeEntries(home)).toEqual(before);
  });

  it('refuses non-kernels with the reason, and packages without a kernel or with mismatched modules', async () => {
    const before = storeEntries(home);
    const text = path.join(work, 'notes.txt');
    fs.writeFileSync(text, 'x'.repeat(2000));
    const e = await refusal(addKernel(text, { home }));
    expect(e.code).toBe('KERNEL_NOT_BZIMAGE');
    expect(e.message).toBe(`${text}: not a Linux bzImage: 0x202: header magic: expected 'HdrS', got "xxxx"`);
    const empty = path.join(work, 'empty.deb');
    fs.writeFileSync(empty, debWith([{ name: './usr/share/doc/x', data: 'doc' }]));
    expect((await refusal(addKernel(empty, { home }))).code).toBe('KERNEL_PACKAGE_NO_KERNEL');
    const mismatch = path.join(work, 'mismatch.deb');
    fs.writeFileSync(
      mismatch,
      debWith([
        { name: './boot/vmlinuz-a', data: vmlinuz },
        { name: './lib/modules/9.9.9/kernel/x.ko', data: 'x' },
      ]),
    );
    const m = await refusal(addKernel(mismatch, { home }));
    expect(m.code).toBe('KERNEL_MODULES_MISMATCH');
    expect(m.message).toContain(`modules are for 9.9.9, the kernel is ${deb.meta.release}`);
    expect((await refusal(addKernel(path.join(work, 'missing'), { home }))).code).toBe(
      'KERNEL_SOURCE_MISSING',
    );
    expect((await refusal(addKernel(text, { home, name: '../x' }))).code).toBe('KERNEL_BAD_NAME');
    expect((await refusal(addKernel(text, { home, name: 'default' }))).code).toBe('KERNEL_BAD_NAME');
    expect(storeEntries(home)).toEqual(before);
  });

  it('lists, resolves, sets the default and removes', async () => {
    expect(resolveKernel(undefined, home).meta.name).toBe(deb.meta.name);
    await setDefaultKernel('bare', home);
    expect(resolveKernel(undefined, home).meta.name).toBe('bare');
    expect(
      listKernels(home)
        .filter((k) => k.isDefault)
        .map((k) => k.meta.name),
    ).toEqual(['bare']);
    const gone = removeKernel('bare', home);
    expect(gone.isDefault).toBe(true);
    expect(getDefaultKernel(home)).toBeUndefined();
    const none = (() => {
      try {
        resolveKernel(undefined, home);
      } catch (error) {
        return error as ToolError;
      }
    })();
    expect(none?.code).toBe('KERNEL_NO_DEFAULT');
    expect(none?.message).toBe(
      `no kernel named and no default kernel (stored: ${deb.meta.name}, alpine-virt; rock-kernel default NAME)`,
    );
    expect(() => removeKernel('bare', home)).toThrow(
      /kernel "bare": not in .* \(stored: 6\.1\.0-\d+-cloud-amd64, alpine-virt\)$/,
    );
    expect(storeEntries(home)).toEqual([deb.meta.name, 'alpine-virt']);
  });

  it('reads .deb data members compressed with xz and zstd too', async () => {
    for (const codec of ['xz', 'zst'] as const) {
      const file = path.join(work, `k-${codec}.deb`);
      fs.writeFileSync(
        file,
        debWith(
          [
            { name: './boot/vmlinuz-t', data: vmlinuz },
            { name: './boot/config-t', data: config },
          ],
          codec,
        ),
      );
      const k = await addKernel(file, { home, name: `deb-${codec}` });
      expect(fs.readFileSync(k.vmlinuz).equals(vmlinuz)).toBe(true);
      expect(fs.readFileSync(k.config!, 'utf8')).toBe(config);
      removeKernel(k.meta.name, home);
    }
    const corrupt = path.join(work, 'corrupt.deb');
    const good = debWith([{ name: './boot/vmlinuz-t', data: vmlinuz.subarray(0, 100_000) }], 'xz');
    good.fill(0x55, good.length - 2000, good.length - 1000);
    fs.writeFileSync(corrupt, good);
    const e = await refusal(addKernel(corrupt, { home }));
    expect(e.code).toBe('DECOMPRESS_FAILED');
    expect(e.message.startsWith(`${corrupt}(data.tar.xz): xz: `)).toBe(true);
  });
});
