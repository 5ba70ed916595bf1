import { describe, expect, it } from 'vitest';
import { formatReport } from './format.js';
import {
  buildRecords,
  fakeElf,
  goodImage,
  goodSpecs,
  type Spec,
  withChange,
  withExtra,
  without,
} from './test-support/good-image.js';
import type { CheckFailure, VerifyReport } from './types.js';
import { verifyRecords } from './verify.js';

function rules(report: VerifyReport): string[] {
  return report.failures.map((f) => f.rule);
}

function warned(report: VerifyReport): string[] {
  return report.warnings.map((f) => f.rule);
}

/** The one finding of `rule` at `path`, failure, warning or notice. */
function only(report: VerifyReport, rule: string, path: string): CheckFailure {
  const all = [...report.failures, ...report.warnings, ...report.notices];
  const found = all.filter((f) => f.rule === rule && f.path === path);
  expect(found, `${rule} at ${path} in ${JSON.stringify(rules(report))}`).toHaveLength(1);
  return found[0] as CheckFailure;
}

describe('the good image', () => {
  it('passes with zero failures and zero warnings', async () => {
    const report = await verifyRecords(goodImage());
    expect(report.failures).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.entries).toBe(goodSpecs().length);
    expect(report.segments).toBe(1);
    expect(report.checked).toBeGreaterThan(100);
    expect(formatReport(report, 'good.img')).toBe(`PASSED: good.img: ${report.checked} checks`);
  });

  it('passes from an async iterable too', async () => {
    async function* gen() {
      yield* goodImage();
    }
    expect((await verifyRecords(gen())).passed).toBe(true);
  });

  it('passes with the generated command line and reports the verdict', async () => {
    const report = await verifyRecords(goodImage(), {
      cmdline: 'console=ttyS0 init=/sbin/init rdinit=/sbin/init',
    });
    expect(report.passed).toBe(true);
    expect(report.cmdline).toEqual({
      reaches: true,
      pid1: '/sbin/init',
      reason: 'the kernel runs rdinit=/sbin/init: rock-init',
    });
  });
});

describe('components', () => {
  it('/sbin/init with mode 0644 fails component.mode', async () => {
    const report = await verifyRecords(withChange('sbin/init', { perm: 0o644 }));
    expect(report.passed).toBe(false);
    expect(only(report, 'component.mode', '/sbin/init').message).toBe(
      '/sbin/init: mode: expected 0755, found 0644',
    );
  });

  it('/sbin/rock-init instead of /sbin/init fails component.missing and names where it is', async () => {
    const report = await verifyRecords(withChange('sbin/init', { name: 'sbin/rock-init' }));
    expect(only(report, 'component.missing', '/sbin/init').message).toBe(
      '/sbin/init: rock-init (--init): expected a regular file, found nothing (rock-init is at /sbin/rock-init; it must be installed as /sbin/init)',
    );
    expect(only(report, 'init.link', '/init').found).toBe('a symlink to sbin/init (ENOENT at /sbin/init)');
  });

  it('a symlink at a component path fails component.type even though it resolves', async () => {
    const records = withExtra(
      [{ name: 'usr/bin/rock-manager', type: 'symlink', perm: 0o777, target: '/sbin/init' }],
      (specs) => specs.filter((s) => s.name !== 'usr/bin/rock-manager' || s.type === 'symlink'),
    );
    const report = await verifyRecords(records);
    expect(only(report, 'component.type', '/usr/bin/rock-manager').message).toBe(
      '/usr/bin/rock-manager: rock-manager (--manager): expected a regular file, found a symlink to /sbin/init',
    );
  });

  it('an empty component fails component.empty', async () => {
    const report = await verifyRecords(withChange('usr/bin/volcano-agent', { data: '' }));
    expect(only(report, 'component.empty', '/usr/bin/volcano-agent').found).toBe('0 bytes');
  });

  it('a component that is neither ELF nor a script fails component.format', async () => {
    const report = await verifyRecords(withChange('usr/bin/volcano-agent', { data: 'MZ\x90\x00 not elf' }));
    expect(only(report, 'component.format', '/usr/bin/volcano-agent').message).toBe(
      '/usr/bin/volcano-agent: format: expected an ELF executable or a #! script, found bytes 4d 5a c2 90',
    );
  });

  it('a script component runs when its interpreter is in the image, and fails when it is not', async () => {
    const good = await verifyRecords(withChange('usr/bin/rock-manager', { data: '#!/bin/sh\nexec true\n' }));
    expect(good.failures).toEqual([]);
    const bad = await verifyRecords(withChange('usr/bin/rock-manager', { data: '#!/bin/bash\nexec true\n' }));
    expect(only(bad, 'component.interpreter', '/usr/bin/rock-manager').found).toBe(
      '#! interpreter /bin/bash does not run (/bin/bash: ENOENT at /bin/bash)',
    );
  });

  it('a component owned by a user fails owner.root', async () => {
    const report = await verifyRecords(withChange('sbin/init', { uid: 1000, gid: 1000 }));
    expect(only(report, 'owner.root', '/sbin/init').message).toBe(
      '/sbin/init: owner: expected 0:0, found 1000:1000',
    );
  });

  it('a hard-link group whose data is on the last link is a proper file under both names', async () => {
    const specs = goodSpecs().filter((s) => s.name !== 'bin/busybox' && s.name !== 'bin/sh');
    specs.push({ name: 'bin/busybox', type: 'file', perm: 0o755, ino: 900, nlink: 2 });
    specs.push({ name: 'bin/sh', type: 'file', perm: 0o755, ino: 900, nlink: 2, data: fakeElf('busybox') });
    const report = await verifyRecords(buildRecords(specs));
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(true);
  });
});

describe('busybox applets', () => {
  it('/bin/sh missing fails busybox.applet', async () => {
    const report = await verifyRecords(without('bin/sh'));
    expect(only(report, 'busybox.applet', '/bin/sh').message).toBe(
      '/bin/sh: busybox applet link: expected a symlink to busybox (resolving to /bin/busybox), found nothing',
    );
  });

  it('/bin/sh pointing to /bin/bash fails busybox.applet and symlink.dangling', async () => {
    const report = await verifyRecords(withChange('bin/sh', { target: '/bin/bash' }));
    expect(only(report, 'busybox.applet', '/bin/sh').found).toBe(
      'a symlink to /bin/bash (resolving to ENOENT at /bin/bash)',
    );
    expect(only(report, 'symlink.dangling', '/bin/sh').message).toBe(
      '/bin/sh: symlink: expected a target inside the image, found /bin/bash (dangling: ENOENT at /bin/bash)',
    );
  });

  it('an applet pointing to another real file fails', async () => {
    const report = await verifyRecords(withChange('bin/ls', { target: '/sbin/init' }));
    expect(only(report, 'busybox.applet', '/bin/ls').found).toBe(
      'a symlink to /sbin/init (resolving to /sbin/init)',
    );
  });

  it('an absolute /bin/sh -> /bin/busybox is fine', async () => {
    expect((await verifyRecords(withChange('bin/sh', { target: '/bin/busybox' }))).passed).toBe(true);
  });
});

describe('the init link', () => {
  it('/init -> /nonexistent fails init.link and symlink.dangling', async () => {
    const report = await verifyRecords(withChange('init', { target: '/nonexistent' }));
    expect(only(report, 'init.link', '/init').message).toBe(
      '/init: init link: expected a symlink to sbin/init (resolving to /sbin/init), found a symlink to /nonexistent (ENOENT at /nonexistent)',
    );
    expect(only(report, 'symlink.dangling', '/init').found).toBe(
      '/nonexistent (dangling: ENOENT at /nonexistent)',
    );
  });

  it('an init link loop fails init.link and symlink.loop', async () => {
    const report = await verifyRecords(
      withExtra([{ name: 'sbin/init2', type: 'symlink', perm: 0o777, target: '/init' }], (specs) =>
        specs.map((s) => (s.name === 'init' ? { ...s, target: 'sbin/init2' } : s)),
      ),
    );
    expect(only(report, 'init.link', '/init').found).toBe('a symlink to sbin/init2 (ELOOP at /init)');
    expect(only(report, 'symlink.loop', '/init').message).toBe(
      '/init: symlink: expected a target inside the image, found sbin/init2 (a loop (ELOOP))',
    );
  });

  it('missing /init fails without a command line, and only warns when the command line has rdinit=', async () => {
    const bare = await verifyRecords(without('init'));
    expect(only(bare, 'init.link', '/init').found).toBe('nothing');
    const saved = await verifyRecords(without('init'), { cmdline: 'console=ttyS0 rdinit=/sbin/init' });
    expect(saved.passed).toBe(true);
    expect(saved.warnings.map((w) => w.rule)).toEqual(['init.link']);
    expect(formatReport(saved, 'x.img').split('\n')[0]).toBe(
      'warning: /init: init link: expected a symlink to sbin/init (resolving to /sbin/init), found nothing',
    );
  });

  it('missing /init with only init= fails cmdline.unreachable with the kernel panic explained', async () => {
    const report = await verifyRecords(without('init'), { cmdline: 'console=ttyS0 init=/sbin/init' });
    const f = only(report, 'cmdline.unreachable', '/init');
    expect(f.message).toBe(
      '/init: command line: expected PID 1 to be /sbin/init, found no /init in the image and only init= on the command line: the kernel would try to mount a root device and panic with "VFS: Unable to mount root fs on unknown-block(0,0)"; add rdinit=/sbin/init or the /init link',
    );
    expect(report.cmdline?.reaches).toBe(false);
    expect(report.cmdline?.pid1).toBe(null);
  });
});

describe('directories and devices', () => {
  it('missing /proc fails directory.missing', async () => {
    const report = await verifyRecords(without('proc'));
    expect(only(report, 'directory.missing', '/proc').message).toBe(
      '/proc: directory: expected a directory in the image, found nothing',
    );
  });

  it("an image without /dev fails even though the kernel's built-in /dev exists", async () => {
    const report = await verifyRecords(
      without(
        'dev',
        ...goodSpecs()
          .filter((s) => s.name.startsWith('dev/'))
          .map((s) => s.name),
      ),
    );
    expect(only(report, 'directory.missing', '/dev').found).toBe(
      "only the kernel's built-in initramfs has it",
    );
    expect(only(report, 'device.missing', '/dev/console').found).toBe(
      "only the kernel's built-in initramfs has it",
    );
    expect(only(report, 'device.missing', '/dev/null').found).toBe('nothing');
  });

  it('/tmp without the sticky bit warns directory.mode: such an image boots (policy, not contract)', async () => {
    const report = await verifyRecords(withChange('tmp', { perm: 0o755 }));
    expect(report.passed).toBe(true);
    expect(report.warnings.map((w) => w.message)).toEqual(['/tmp: mode: expected 01777, found 0755']);
  });

  it('a symlinked contract directory fails directory.type but its files are still found through it', async () => {
    const specs = goodSpecs().filter((s) => s.name !== 'usr/bin');
    const at = specs.findIndex((s) => s.name === 'usr');
    specs.splice(at + 1, 0, { name: 'usr/bin', type: 'symlink', perm: 0o777, target: '../bin' });
    const report = await verifyRecords(buildRecords(specs));
    expect(rules(report)).toEqual(['directory.type']);
    expect(only(report, 'directory.type', '/usr/bin').found).toBe('a symlink to ../bin');
  });

  it('/dev/console 5:2 fails device.numbers although the built-in 5:1 stays in the tree', async () => {
    const report = await verifyRecords(withChange('dev/console', { rdev: [5, 2] }));
    expect(only(report, 'device.numbers', '/dev/console').message).toBe(
      '/dev/console: device numbers: expected 5:1, found 5:2 (hidden only by a kernel whose built-in initramfs has 5:1)',
    );
    expect(only(report, 'entry.ignored', '/dev/console').found).toMatch(/^mknod fails \(EEXIST\)/);
  });

  it('/dev/null 1:5 fails device.numbers; a block device fails device.type; mode 0644 fails device.mode', async () => {
    expect(
      only(await verifyRecords(withChange('dev/null', { rdev: [1, 5] })), 'device.numbers', '/dev/null')
        .found,
    ).toBe('1:5');
    expect(
      only(await verifyRecords(withChange('dev/zero', { type: 'block-device' })), 'device.type', '/dev/zero')
        .found,
    ).toBe('a block device 1:5');
    expect(
      only(await verifyRecords(withChange('dev/tty', { perm: 0o644 })), 'device.mode', '/dev/tty').message,
    ).toBe('/dev/tty: mode: expected 0666, found 0644');
  });
});

describe('configuration', () => {
  it('CONFIG_KEY 0644 fails config-key.mode and config-key.world-readable', async () => {
    const report = await verifyRecords(withChange('config/CONFIG_KEY', { perm: 0o644 }));
    expect(only(report, 'config-key.mode', '/config/CONFIG_KEY').message).toBe(
      '/config/CONFIG_KEY: mode: expected 0400 or 0600, found 0644',
    );
    expect(only(report, 'config-key.world-readable', '/config/CONFIG_KEY').found).toBe('0644');
  });

  it('CONFIG_KEY 0600 passes; absent is only a warning', async () => {
    expect((await verifyRecords(withChange('config/CONFIG_KEY', { perm: 0o600 }))).passed).toBe(true);
    const absent = await verifyRecords(without('config/CONFIG_KEY'));
    expect(absent.passed).toBe(true);
    expect(absent.warnings.map((w) => w.rule)).toEqual(['config-key.missing']);
  });

  it('a CONFIG_KEY outside the config directories fails config-key.misplaced', async () => {
    const report = await verifyRecords(
      withExtra([{ name: 'etc/CONFIG_KEY', type: 'file', perm: 0o400, data: 'k' }]),
    );
    expect(only(report, 'config-key.misplaced', '/etc/CONFIG_KEY').message).toBe(
      '/etc/CONFIG_KEY: config key: expected only in /config or /etc/rock, found a copy at /etc/CONFIG_KEY',
    );
    const allowed = await verifyRecords(
      withExtra([{ name: 'etc/rock/CONFIG_KEY', type: 'file', perm: 0o400, data: 'k' }]),
    );
    expect(allowed.passed).toBe(true);
  });

  it('a world-writable node.yaml fails node-config.mode; a directory there fails node-config.type', async () => {
    const report = await verifyRecords(withChange('config/node.yaml', { perm: 0o666 }));
    expect(only(report, 'node-config.mode', '/config/node.yaml').found).toBe('0666');
    const dir = await verifyRecords(withChange('config/node.yaml', { type: 'directory', data: '' }));
    expect(only(dir, 'node-config.type', '/config/node.yaml').found).toBe('a directory');
  });
});

describe('names and records', () => {
  it('./sbin/init warns name.prefixed and still unpacks to /sbin/init (it boots)', async () => {
    const report = await verifyRecords(withChange('sbin/init', { name: './sbin/init' }));
    expect(report.passed).toBe(true);
    expect(warned(report)).toEqual(['name.prefixed']);
    expect(only(report, 'name.prefixed', '/sbin/init').message).toMatch(
      /^\/sbin\/init: archive name: expected "sbin\/init", found "\.\/sbin\/init" at segment 0 offset 0x[0-9a-f]+$/,
    );
  });

  it('/sbin/init stored with a leading slash warns name.prefixed', async () => {
    const report = await verifyRecords(withChange('sbin/init', { name: '/sbin/init' }));
    expect(rules(report)).toEqual([]);
    expect(warned(report)).toEqual(['name.prefixed']);
  });

  it('a duplicate sbin/init whose last record is a directory: init is gone', async () => {
    const records = withExtra([{ name: 'sbin/init', type: 'directory', perm: 0o755 }]);
    const report = await verifyRecords(records);
    const first = records.find((r) => r.info.name === 'sbin/init' && r.info.type === 'file');
    const last = records.at(-1);
    expect(only(report, 'entry.duplicate', '/sbin/init').message).toBe(
      `/sbin/init: entry: expected one record per name in a segment, found records at segment 0 offset 0x${first?.origin.offset.toString(16)} and segment 0 offset 0x${last?.origin.offset.toString(16)} (the last wins)`,
    );
    expect(only(report, 'component.type', '/sbin/init').found).toBe('a directory');
    expect(only(report, 'init.link', '/init').found).toBe('a symlink to sbin/init (resolving to /sbin/init)');
  });

  it('the same file twice in one segment is a warning (it boots: the last wins)', async () => {
    const report = await verifyRecords(
      withExtra([{ name: 'usr/bin/rock-manager', type: 'file', perm: 0o755, data: fakeElf() }]),
    );
    expect(rules(report)).toEqual([]);
    expect(warned(report)).toEqual(['entry.duplicate']);
  });

  it('a later segment re-declaring directories and replacing a file: a notice, nothing fails', async () => {
    const base = goodImage();
    const origin = { segment: 1, archive: 1, compression: 'gzip' as const, offset: 0, segmentOffset: 4096 };
    const overlay = buildRecords([
      { name: 'etc', type: 'directory', perm: 0o755 },
      { name: 'etc/rock', type: 'directory', perm: 0o755 },
      { name: 'etc/rock/x.yaml', type: 'file', perm: 0o644, data: 'a: 1\n' },
    ]).map((r) => ({ ...r, origin }));
    const again = overlay.map((r) => ({ ...r, origin: { ...origin, segment: 2, archive: 2 } }));
    const report = await verifyRecords([...base, ...overlay, ...again]);
    expect(report.failures).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.notices.map((n) => `${n.rule} ${n.path}`)).toEqual(['entry.replaced /etc/rock/x.yaml']);
    expect(report.passed).toBe(true);
  });

  it('usr/bin/rock-manager before usr/bin is dropped', async () => {
    const specs = goodSpecs();
    const at = specs.findIndex((s) => s.name === 'usr/bin/rock-manager');
    const [manager] = specs.splice(at, 1);
    specs.unshift(manager as Spec);
    const report = await verifyRecords(buildRecords(specs));
    expect(only(report, 'entry.dropped', '/usr/bin/rock-manager').message).toBe(
      '/usr/bin/rock-manager: parent directory: expected declared before its entries, found no parent directory (ENOENT at /usr) at segment 0 offset 0x0; the kernel drops the entry',
    );
    expect(only(report, 'component.missing', '/usr/bin/rock-manager').found).toBe('nothing');
  });

  it('a name longer than PATH_MAX warns name.too-long', async () => {
    const report = await verifyRecords(
      withExtra([{ name: `tmp/${'a/'.repeat(2046)}x`, type: 'file', perm: 0o644 }]),
    );
    expect(warned(report)).toEqual(['name.too-long']);
  });

  it('a name climbing above the root fails name.unsafe', async () => {
    const report = await verifyRecords(withExtra([{ name: '../../tmp/x', type: 'file', perm: 0o644 }]));
    expect(only(report, 'name.unsafe', '/tmp/x').found).toMatch(/climbs above the root/);
  });

  it('a device with a body is skipped by the kernel and fails entry.ignored', async () => {
    const report = await verifyRecords(withChange('dev/zero', { size: 4 }));
    expect(only(report, 'entry.ignored', '/dev/zero').found).toMatch(/^a char-device with a 4-byte body/);
    expect(only(report, 'device.missing', '/dev/zero').found).toBe('nothing');
  });

  it('a later hard link whose first path became a directory fails hardlink.failed', async () => {
    const report = await verifyRecords(
      withExtra([
        { name: 'tmp/a', type: 'file', perm: 0o644, ino: 777, nlink: 2 },
        { name: 'tmp/a', type: 'directory', perm: 0o755 },
        { name: 'tmp/b', type: 'file', perm: 0o644, ino: 777, nlink: 2, data: 'x' },
      ]),
    );
    expect(only(report, 'hardlink.failed', '/tmp/b').found).toMatch(
      /^hard link to "tmp\/a" fails: it is a directory now/,
    );
  });
});

describe('symlinks elsewhere', () => {
  it('a dangling link outside the contract is a warning, an escaping one too', async () => {
    const report = await verifyRecords(
      withExtra([
        { name: 'etc/dangling', type: 'symlink', perm: 0o777, target: 'nowhere' },
        { name: 'etc/escape', type: 'symlink', perm: 0o777, target: '../../../bin/busybox' },
      ]),
    );
    expect(report.passed).toBe(true);
    expect(report.warnings.map((w) => `${w.rule} ${w.path}`)).toEqual([
      'symlink.dangling /etc/dangling',
      'symlink.escapes /etc/escape',
    ]);
  });
});

describe('formatReport', () => {
  it('prints failures, then warnings, then the verdict', async () => {
    const report = await verifyRecords(
      buildRecords(goodSpecs().filter((s) => s.name !== 'proc' && s.name !== 'config/CONFIG_KEY')),
    );
    expect(formatReport(report, 'rock.img')).toBe(
      [
        '/proc: directory: expected a directory in the image, found nothing',
        'warning: /config/CONFIG_KEY: config key: expected a key file (--config-key), found nothing',
        `FAILED: rock.img: 1 of ${report.checked} checks failed`,
      ].join('\n'),
    );
  });
});
