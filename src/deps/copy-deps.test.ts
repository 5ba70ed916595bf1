import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BinaryDeps, copyDeps, hostFs, resolveDeps, scanBinaries } from './index.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rock-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('copyDeps', () => {
  const rootfs = path.join(tmp, 'rootfs');
  const deps = scanBinaries(['/bin/ls']);

  it('copies the interpreter and libraries to the same paths, symlink chains kept', async () => {
    const report = await copyDeps(deps, hostFs(), rootfs);
    expect(fs.readlinkSync(path.join(rootfs, 'lib64'))).toBe(fs.readlinkSync('/lib64'));
    expect(fs.readlinkSync(path.join(rootfs, 'lib'))).toBe(fs.readlinkSync('/lib'));
    expect(fs.readlinkSync(path.join(rootfs, 'usr/lib64/ld-linux-x86-64.so.2'))).toBe(
      fs.readlinkSync('/usr/lib64/ld-linux-x86-64.so.2'),
    );
    expect(fs.readlinkSync(path.join(rootfs, 'usr/lib/x86_64-linux-gnu/libpcre2-8.so.0'))).toBe(
      fs.readlinkSync('/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0'),
    );
    const libc = '/usr/lib/x86_64-linux-gnu/libc.so.6';
    expect(Buffer.from(fs.readFileSync(path.join(rootfs, libc))).equals(fs.readFileSync(libc))).toBe(true);
    expect(fs.statSync(path.join(rootfs, 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')).mode & 0o777).toBe(
      fs.statSync('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2').mode & 0o777,
    );
    expect(report.files).toBe(4);
    expect(report.symlinks).toBe(4);
  });

  it('leaves an image where the binary resolves exactly as on the host', async () => {
    fs.mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
    fs.copyFileSync('/bin/ls', path.join(rootfs, 'bin/ls'));
    const inside = resolveDeps(['/bin/ls'], hostFs(rootfs)).binaries[0] as BinaryDeps;
    expect(inside.ok).toBe(true);
    const host = deps.binaries[0] as BinaryDeps;
    expect(inside.libraries.map((l) => l.realPath)).toEqual(host.libraries.map((l) => l.realPath));
    const again = await copyDeps(deps, hostFs(), rootfs);
    expect(new Set(again.actions.map((a) => a.action))).toEqual(new Set(['unchanged']));
  });

  it('never follows a symlink out of ROOTFS, and keeps a real directory where the host has a link', async () => {
    const outside = path.join(tmp, 'outside');
    fs.mkdirSync(outside);
    const hostile = path.join(tmp, 'hostile');
    fs.mkdirSync(path.join(hostile, 'lib'), { recursive: true });
    fs.symlinkSync(outside, path.join(hostile, 'usr'));
    fs.symlinkSync('../../../../../../../../..', path.join(hostile, 'lib64'));
    const report = await copyDeps(deps, hostFs(), hostile);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(report.actions).toContainEqual({ path: '/lib', action: 'kept-directory' });
    expect(
      report.actions.some(
        (a) => a.action === 'copied-at-path' && a.path === '/lib/x86_64-linux-gnu/libc.so.6',
      ),
    ).toBe(true);
    fs.mkdirSync(path.join(hostile, 'bin'));
    fs.copyFileSync('/bin/ls', path.join(hostile, 'bin/ls'));
    expect(resolveDeps(['/bin/ls'], hostFs(hostile)).binaries[0]?.ok).toBe(true);
  });
});
