import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../qemu/test-support/test-kernel.js';
import { createImage } from './create-image.js';
import { listImage } from './list-image.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-installed-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A rock-build output directory: the four role files, one extra component, its lock file. */
function componentsDir(install: unknown): string {
  const dir = fs.mkdtempSync(path.join(work, 'components-'));
  const fx = fixturesDir();
  for (const name of ['rock-init', 'rock-manager', 'volcano-agent', 'busybox'])
    fs.copyFileSync(path.join(fx, name), path.join(dir, name));
  fs.copyFileSync(path.join(fx, 'rock-manager'), path.join(dir, 'rock-tool'));
  const lock = {
    version: 1,
    components: {
      'rock-init': { file: 'rock-init', role: 'init' },
      'rock-tool': { file: 'rock-tool', install },
    },
  };
  fs.writeFileSync(path.join(dir, 'components.lock.json'), JSON.stringify(lock));
  return dir;
}

describe('rock-build components with an install path', () => {
  it('are laid into the image at that path, mode 0755, and the image verifies', async () => {
    const dir = componentsDir('/usr/local/bin/rock-tool');
    const output = path.join(work, 'with-tool.img');
    const result = await createImage({ components: {}, componentsDir: dir, output, cwd: work });
    expect(result.verify.passed).toBe(true);
    const listed = [];
    for await (const e of listImage(output)) listed.push(e);
    const tool = listed.find((e) => e.name === 'usr/local/bin/rock-tool');
    expect(tool).toMatchObject({ type: 'file', size: fs.statSync(path.join(dir, 'rock-tool')).size });
    expect(tool?.perm).toBe(0o755);
  });

  it('refuses an install path that is not absolute and normalised, naming the lock file', async () => {
    const dir = componentsDir('usr/../etc/x');
    await expect(
      createImage({ components: {}, componentsDir: dir, output: path.join(work, 'bad.img'), cwd: work }),
    ).rejects.toThrow(
      /components\.lock\.json: components\.rock-tool\.install: expected an absolute, normalised path/,
    );
    expect(fs.existsSync(path.join(work, 'bad.img'))).toBe(false);
  });
});
