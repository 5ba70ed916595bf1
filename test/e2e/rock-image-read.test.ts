// rock-image ls and extract on archives GNU cpio writes: hard-link markers, names as bytes, the
// archive named in refusals, a failed extract that leaves nothing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../support/cli.js';

let work: string;
let image: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-image-read-'));
  const tree = path.join(work, 'tree');
  fs.mkdirSync(path.join(tree, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(tree, 'bin/busybox'), 'busybox');
  fs.linkSync(path.join(tree, 'bin/busybox'), path.join(tree, 'bin/ls'));
  fs.writeFileSync(Buffer.from(`${tree}/caf\xe9`, 'latin1'), 'x');
  const list = execFileSync('sh', ['-c', 'cd "$1" && find . -mindepth 1 | sort', 'sh', tree]);
  const archive = execFileSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: tree, input: list });
  image = path.join(work, 'hl.cpio');
  fs.writeFileSync(image, archive);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('rock-image ls', () => {
  it('-l marks the later member of a hard-link group with "link to" and escapes a non-UTF-8 name', () => {
    const run = runTool('rock-image', ['ls', '-l', image]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.find((l) => l.endsWith(' bin/ls link to bin/busybox'))).toBeDefined();
    expect(lines.find((l) => l.endsWith(' caf\\xe9'))).toBeDefined();
  });

  it('--json gives the exact name, a non-UTF-8 byte as \\udcXX', () => {
    const run = runTool('rock-image', ['ls', '--json', image]);
    expect(run.stdout).toContain('"name": "caf\\udce9"');
    const entries = JSON.parse(run.stdout) as { name: string; hardLinkTo?: string }[];
    expect(entries.find((e) => e.name === 'bin/ls')?.hardLinkTo).toBe('bin/busybox');
  });
});

describe('rock-image extract', () => {
  it('creates the exact bytes of every name and the hard link', () => {
    const out = path.join(work, 'out');
    const run = runTool('rock-image', ['extract', image, out]);
    expect(run.status, run.stderr).toBe(0);
    expect(
      fs
        .readdirSync(out, { encoding: 'buffer' })
        .map((b) => b.toString('latin1'))
        .sort(),
    ).toEqual(['bin', 'caf\xe9']);
    expect(fs.statSync(path.join(out, 'bin/ls')).ino).toBe(fs.statSync(path.join(out, 'bin/busybox')).ino);
  });

  it('a truncated image into a missing DIR: exit 2 naming the archive, and nothing is left', () => {
    const cut = path.join(work, 'cut.cpio');
    fs.writeFileSync(cut, fs.readFileSync(image).subarray(0, 300));
    const out = path.join(work, 'never');
    const run = runTool('rock-image', ['extract', cut, out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^rock-image: cut\.cpio:0x[0-9a-f]+: /);
    expect(fs.readdirSync(work).filter((n) => n.includes('never'))).toEqual([]);
  });

  it('a refusal into an existing DIR says which entries were written', () => {
    const cut = path.join(work, 'cut2.cpio');
    fs.writeFileSync(cut, fs.readFileSync(image).subarray(0, 300));
    const out = path.join(work, 'existing');
    fs.mkdirSync(out);
    const run = runTool('rock-image', ['extract', cut, out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/; (nothing was written into|written into) .*existing/);
  });
});
