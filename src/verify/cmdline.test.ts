import { describe, expect, it } from 'vitest';
import { analyzeCmdline, parseKernelCmdline } from './cmdline.js';
import {
  buildRecords,
  fakeElf,
  goodImage,
  goodSpecs,
  type Spec,
  without,
} from './test-support/good-image.js';
import { unpackLikeKernel } from './unpack.js';

const PANIC =
  'the kernel would try to mount a root device and panic with "VFS: Unable to mount root fs on unknown-block(0,0)"';

describe('parseKernelCmdline (lib/cmdline.c next_arg)', () => {
  it('splits on any whitespace and keeps name=value pairs', () => {
    expect(parseKernelCmdline('  console=ttyS0\tquiet\n rdinit=/sbin/init  ').params).toEqual([
      { name: 'console', value: 'ttyS0' },
      { name: 'quiet', value: null },
      { name: 'rdinit', value: '/sbin/init' },
    ]);
  });

  it('drops the quotes around a value, and around a whole parameter', () => {
    expect(parseKernelCmdline('rdinit="/sbin/my init" "init=/sbin/init" x="a=b"').params).toEqual([
      { name: 'rdinit', value: '/sbin/my init' },
      { name: 'init', value: '/sbin/init' },
      { name: 'x', value: 'a=b' },
    ]);
  });

  it('keeps quotes inside a value, and a quoted bare word loses its quotes', () => {
    expect(parseKernelCmdline('a=b"c d"e "bare word"').params).toEqual([
      { name: 'a', value: 'b"c d"e' },
      { name: 'bare word', value: null },
    ]);
  });

  it('an empty value is a value', () => {
    expect(parseKernelCmdline('rdinit= init=""').params).toEqual([
      { name: 'rdinit', value: '' },
      { name: 'init', value: '' },
    ]);
  });

  it('-- ends the kernel parameters; the rest goes to init', () => {
    expect(parseKernelCmdline('console=ttyS0 -- rdinit=/x single')).toEqual({
      params: [{ name: 'console', value: 'ttyS0' }],
      initArgs: ['rdinit=/x', 'single'],
    });
  });
});

describe('analyzeCmdline (init/main.c)', () => {
  it('the good image reaches rock-init through /init with an empty command line', async () => {
    const tree = await unpackLikeKernel(goodImage());
    expect(analyzeCmdline('', tree)).toEqual({
      reaches: true,
      pid1: '/sbin/init',
      reason: "the kernel runs /init (the kernel's default rdinit), which resolves to /sbin/init: rock-init",
    });
  });

  it('init=/sbin/init alone with /init in the image reaches (the measured case)', async () => {
    const tree = await unpackLikeKernel(goodImage());
    expect(analyzeCmdline('console=ttyS0 init=/sbin/init', tree).reaches).toBe(true);
  });

  it('init=/sbin/init alone without /init panics', async () => {
    const tree = await unpackLikeKernel(without('init'));
    expect(analyzeCmdline('console=ttyS0 init=/sbin/init', tree)).toEqual({
      reaches: false,
      pid1: null,
      reason: `no /init in the image and only init= on the command line: ${PANIC}; add rdinit=/sbin/init or the /init link`,
    });
  });

  it('rdinit=/sbin/init without /init reaches; so does a quoted one', async () => {
    const tree = await unpackLikeKernel(without('init'));
    expect(analyzeCmdline('rdinit=/sbin/init', tree)).toEqual({
      reaches: true,
      pid1: '/sbin/init',
      reason: 'the kernel runs rdinit=/sbin/init: rock-init',
    });
    expect(analyzeCmdline('"rdinit=/sbin/init" init=/sbin/init', tree).reaches).toBe(true);
    expect(analyzeCmdline('rdinit="/sbin/init"', tree).reaches).toBe(true);
  });

  it("rdinit= after -- is not the kernel's: without /init this panics", async () => {
    const tree = await unpackLikeKernel(without('init'));
    const verdict = analyzeCmdline('console=ttyS0 -- rdinit=/sbin/init', tree);
    expect(verdict.reaches).toBe(false);
    expect(verdict.reason).toBe(
      `/init (the kernel's default rdinit) cannot run (/init: ENOENT at /init): ${PANIC}; add rdinit=/sbin/init or the /init link`,
    );
  });

  it('the last rdinit= wins', async () => {
    const tree = await unpackLikeKernel(goodImage());
    expect(analyzeCmdline('rdinit=/sbin/init rdinit=/bin/sh', tree)).toEqual({
      reaches: false,
      pid1: '/bin/busybox',
      reason: 'the kernel runs rdinit=/bin/sh, which resolves to /bin/busybox, not /sbin/init',
    });
  });

  it('with root= the kernel mounts that device instead', async () => {
    const tree = await unpackLikeKernel(without('init'));
    expect(analyzeCmdline('root=/dev/vda init=/sbin/init', tree).reason).toBe(
      "/init (the kernel's default rdinit) cannot run (/init: ENOENT at /init): the kernel would mount root=/dev/vda and run init from it, not from the image; add rdinit=/sbin/init or the /init link",
    );
  });

  it('an rdinit without an execute bit fails init_eaccess and panics', async () => {
    const specs = goodSpecs().map((s) => (s.name === 'sbin/init' ? { ...s, perm: 0o644 } : s));
    const tree = await unpackLikeKernel(buildRecords(specs));
    const verdict = analyzeCmdline('rdinit=/sbin/init', tree);
    expect(verdict.reaches).toBe(false);
    expect(verdict.reason).toMatch(/^rdinit=\/sbin\/init cannot run \(\/sbin\/init has no execute bit\)/);
  });

  it('an rdinit that exists but cannot execute falls back to init= inside the initramfs', async () => {
    const tree = await unpackLikeKernel(goodImage());
    expect(analyzeCmdline('rdinit=/proc init=/sbin/init', tree)).toEqual({
      reaches: true,
      pid1: '/sbin/init',
      reason:
        'the kernel runs init=/sbin/init after rdinit=/proc exists but cannot be executed (/proc is a directory): rock-init',
    });
    const failed = analyzeCmdline('rdinit=/proc init=/nope', tree);
    expect(failed.reaches).toBe(false);
    expect(failed.reason).toMatch(/panic "Requested init \/nope failed"$/);
  });

  it('without init= the kernel tries /sbin/init, /etc/init, /bin/init, /bin/sh', async () => {
    const tree = await unpackLikeKernel(goodImage());
    expect(analyzeCmdline('rdinit=/dev', tree)).toMatchObject({ reaches: true, pid1: '/sbin/init' });
  });

  it('an /init script runs, but it is not rock-init', async () => {
    const specs: Spec[] = goodSpecs().map((s) =>
      s.name === 'init'
        ? { name: 'init', type: 'file', perm: 0o755, data: '#!/bin/sh\nexec /sbin/init\n' }
        : s,
    );
    const tree = await unpackLikeKernel(buildRecords(specs));
    expect(analyzeCmdline('', tree)).toEqual({
      reaches: false,
      pid1: '/init',
      reason: "the kernel runs /init (the kernel's default rdinit), not /sbin/init",
    });
  });

  it('an /init script whose interpreter is missing cannot execute; the fallback list then finds /sbin/init', async () => {
    const specs: Spec[] = goodSpecs().map((s) =>
      s.name === 'init' ? { name: 'init', type: 'file', perm: 0o755, data: '#!/bin/bash\n' } : s,
    );
    const tree = await unpackLikeKernel(buildRecords(specs));
    const verdict = analyzeCmdline('', tree);
    expect(verdict).toMatchObject({ reaches: true, pid1: '/sbin/init' });
    expect(verdict.reason).toMatch(/the fallback \/sbin\/init after/);
  });

  it('a non-ELF, non-script file with no fallback panics with "No working init found"', async () => {
    const specs: Spec[] = [
      { name: 'init', type: 'file', perm: 0o755, data: 'garbage' },
      { name: 'bin', type: 'directory', perm: 0o755 },
      { name: 'bin/true', type: 'file', perm: 0o755, data: fakeElf() },
    ];
    const verdict = analyzeCmdline('', await unpackLikeKernel(buildRecords(specs)));
    expect(verdict).toEqual({
      reaches: false,
      pid1: null,
      reason:
        '/init (the kernel\'s default rdinit) exists but cannot be executed (/init: neither ELF nor a #! script), and no fallback init runs: panic "No working init found"',
    });
  });
});
