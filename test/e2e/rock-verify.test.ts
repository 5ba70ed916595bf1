// rock-verify integration as a user runs it: exit codes (0 pass, 1 check failed, 2 unusable input),
// one line per failure, pure JSON with --json.
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteEntry } from '../../src/cpio/index.js';
import { depsEntries, layoutContract, prepareEntries, writeArchive } from '../../src/image/index.js';
import { fixturesDir } from '../../src/qemu/test-support/test-kernel.js';
import { runTool } from '../support/cli.js';

let work: string;
let contract: WriteEntry[];

async function writeImage(name: string, edit: (entries: WriteEntry[]) => WriteEntry[]): Promise<string> {
  const path = join(work, name);
  await writeArchive(
    prepareEntries(edit(contract.map((e) => ({ ...e, info: { ...e.info } })))),
    createWriteStream(path),
    'gzip',
  );
  return path;
}

beforeAll(() => {
  const fx = fixturesDir();
  work = mkdtempSync(join(tmpdir(), 'rock-verify-e2e-'));
  const components = {
    init: join(fx, 'rock-init'),
    manager: join(fx, 'rock-manager'),
    agent: join(fx, 'volcano-agent'),
    busybox: join(fx, 'busybox'),
  };
  contract = [
    ...depsEntries([{ path: components.agent, label: 'volcano-agent' }]),
    ...layoutContract({ components }),
  ];
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('rock-verify integration', () => {
  it('passes a good image with exit 0', async () => {
    const img = await writeImage('good.img', (e) => e);
    const run = runTool('rock-verify', ['integration', img]);
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^PASSED: /);
  });

  it('fails a rock-init with mode 0644 with exit 1 and a line naming path, expected and found', async () => {
    const img = await writeImage('mode.img', (entries) =>
      entries.map((e) => (e.info.name === 'sbin/init' ? { ...e, info: { ...e.info, perm: 0o644 } } : e)),
    );
    const run = runTool('rock-verify', ['integration', img]);
    expect(run.status).toBe(1);
    const line = run.stdout
      .split('\n')
      .find((l) => l.includes('/sbin/init') && /0?755/.test(l) && /0?644/.test(l));
    expect(line, run.stdout).toBeDefined();
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^FAILED: /);
  });

  it('fails rock-init installed as /sbin/rock-init', async () => {
    const img = await writeImage('renamed.img', (entries) =>
      entries.map((e) =>
        e.info.name === 'sbin/init' ? { ...e, info: { ...e.info, name: 'sbin/rock-init' } } : e,
      ),
    );
    const run = runTool('rock-verify', ['integration', img, '--json']);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { passed: boolean; failures: { path: string }[] };
    expect(report.passed).toBe(false);
    expect(report.failures.map((f) => f.path)).toContain('/sbin/init');
  });

  it('exits 2 with one line naming the offset for a file that is not an archive', () => {
    const junk = join(work, 'junk.img');
    writeFileSync(junk, Buffer.from('this is not a cpio archive at all, just text\n'));
    const run = runTool('rock-verify', ['integration', junk]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/junk\.img.*0x0/);
    const json = runTool('rock-verify', ['integration', junk, '--json']);
    expect(json.status).toBe(2);
    expect((JSON.parse(json.stdout) as { error: { code: string } }).error.code).toMatch(/^CPIO_/);
  });

  it('exits 2 for a missing image and for bad usage', () => {
    expect(runTool('rock-verify', ['integration', join(work, 'nope.img')]).status).toBe(2);
    expect(runTool('rock-verify', ['integration']).status).toBe(2);
    expect(runTool('rock-verify', ['frobnicate']).status).toBe(2);
  });

  it('prints the loader closure with `deps`, and exits 1 when a library is missing', async () => {
    const good = await writeImage('deps-good.img', (e) => e);
    const run = runTool('rock-verify', ['deps', good]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\/usr\/bin\/volcano-agent: dynamic 64-bit x86_64 \(glibc\)$/m);
    expect(run.stdout).toMatch(/^ {2}libssl\.so\.3 => \/lib\/x86_64-linux-gnu\/libssl\.so\.3 /m);
    const broken = await writeImage('deps-broken.img', (entries) =>
      entries.filter((e) => !e.info.name.endsWith('/libcrypto.so.3')),
    );
    const bad = runTool('rock-verify', ['deps', broken, '--json']);
    expect(bad.status).toBe(1);
    const result = JSON.parse(bad.stdout) as { ok: boolean; binaries: { path: string; ok: boolean }[] };
    expect(result.ok).toBe(false);
    expect(result.binaries.find((b) => b.path === '/usr/bin/volcano-agent')?.ok).toBe(false);
    const verify = runTool('rock-verify', ['integration', broken]);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toContain('/usr/bin/volcano-agent: library libcrypto.so.3: expected in the image');
  });
});
