// End to end: the design document's own commands, typed as written. Default output names, and
// `rock-image cpio create` of a rootfs laid out as the document lays it (no device nodes, no /init,
// no applet links: what a user who is not root can make), then `rock-verify integration`.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { componentFlags, runTool } from '../support/cli.js';

let work: string;
const KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rock-design-'));
  writeFileSync(join(work, 'CONFIG_KEY'), KEY, { mode: 0o600 });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('default outputs', () => {
  it('rock-image create writes image.cpio.gz (image.cpio.zst with --compress zstd), which rock-verify passes', () => {
    const dir = join(work, 'defaults');
    mkdirSync(dir);
    const base = ['create', ...componentFlags(fixturesDir()), '--config-key', join(work, 'CONFIG_KEY'), '-q'];
    expect(runTool('rock-image', base, { cwd: dir }).status).toBe(0);
    expect(runTool('rock-image', [...base, '--compress', 'zstd'], { cwd: dir }).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['image.cpio.gz', 'image.cpio.zst']);
    expect(runTool('rock-verify', ['integration', 'image.cpio.gz'], { cwd: dir }).status).toBe(0);
    expect(runTool('rock-verify', ['integration', 'image.cpio.zst'], { cwd: dir }).status).toBe(0);
  });

  it('--help of create and cpio create says so', () => {
    for (const args of [
      ['create', '--help'],
      ['cpio', 'create', '--help'],
    ]) {
      expect(runTool('rock-image', args).stdout).toContain('default image.cpio.gz');
    }
  });
});
