import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { C_MANIFEST, makeProject, type Project } from '../build/test-support/project.js';
import { rockBuildProgram } from './rock-build.js';
import { runCli } from './run.js';

const projects: Project[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.remove();
});
function project(manifest = C_MANIFEST): Project {
  const p = makeProject(manifest);
  projects.push(p);
  return p;
}

async function cli(p: Project, ...argv: string[]) {
  p.context.lines.out.length = 0;
  p.context.lines.err.length = 0;
  const code = await runCli('rock-build', rockBuildProgram(p.context), argv, p.context.io);
  return { code, out: p.context.lines.out.join('\n'), err: p.context.lines.err.join('\n') };
}

const BUSYBOX_ONLY = `output_dir: out
components:
  - name: busybox
    source: src
    exclude: ['*']
    inputs: [/bin/busybox]
    builder: command
    argv: [cp, /bin/busybox, busybox]
    output: busybox
    role: busybox
    static: true
`;

describe('rock-build', () => {
  it('builds, then reports everything cached; --json is pure JSON', async () => {
    const p = project();
    const first = await cli(p, 'all', '--jobs', '2');
    expect(first.code, first.err).toBe(0);
    expect(first.err).toMatch(/^built {3}rock-init -> .*\/out\/rock-init sha256:[0-9a-f]{12}$/m);
    expect(first.out).toBe(
      `5 components: 5 built -> ${path.join(p.dir, 'out')} (${path.join(p.dir, 'out', 'components.lock.json')})`,
    );
    const second = await cli(p, '--json');
    expect(second.code).toBe(0);
    const report = JSON.parse(second.out) as { ok: boolean; components: { status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.components.map((c) => c.status)).toEqual([
      'cached',
      'cached',
      'cached',
      'cached',
      'cached',
    ]);
  });

  it('exits 1 for a failed build and shows the last lines of its log', async () => {
    const p = project(`components:
  - name: broken
    source: src
    builder: command
    argv: ['echo "rock-init.c:1: error: boom" >&2; exit 1']
    shell: true
    output: broken
    install: /usr/bin/broken
`);
    const r = await cli(p, 'broken');
    expect(r.code).toBe(1);
    expect(r.err).toContain('failed  broken: build failed: sh exited with status 1');
    expect(r.err).toContain('  | rock-init.c:1: error: boom');
  });

  it('exits 2 with every manifest error, each with its position; unknown components are usage errors', async () => {
    const p = project('components:\n  - name: a\n    builder: make\n    colour: red\n');
    const r = await cli(p, 'all');
    expect(r.code).toBe(2);
    const file = path.join(p.dir, 'components.yaml');
    expect(r.err.split('\n')).toEqual([
      `${file}:2:5: components[0].source: expected a directory, got nothing (missing key)`,
      `${file}:2:5: components[0].output: expected a relative path, got nothing (missing key)`,
      `${file}:4:5: components[0].colour: unknown key 'colour' (expected one of name, source, output, role, install, static, machine, env, depends, exclude, inputs, builder, target, variables)`,
    ]);
    const json = await cli(p, 'all', '--json');
    expect(JSON.parse(json.out).error.code).toBe('MANIFEST_INVALID');
    const q = project(BUSYBOX_ONLY);
    const unknown = await cli(q, 'rock-initt');
    expect(unknown).toMatchObject({
      code: 2,
      err: "rock-build: component: expected one of busybox or all, got 'rock-initt'",
    });
  });

  it('check names what is missing and how to install it on Debian (exit 1)', async () => {
    const p = project(`components:
  - name: tool
    source: src
    builder: command
    argv: [no-such-compiler-xyz, -o, tool]
    output: tool
    install: /usr/bin/tool
  - name: m
    source: src
    builder: make
    output: m
    install: /usr/bin/m
    variables: { CC: musl-gcc }
`);
    const ok = await cli(p, 'check');
    expect(ok.code).toBe(1);
    expect(ok.out).toContain(
      "tool: program no-such-compiler-xyz: missing: find its package with: apt-file search --regexp 'bin/no-such-compiler-xyz$', then apt-get install it",
    );
    expect(ok.out).toMatch(/^m: program musl-gcc: ok \(\/.*musl-gcc\)$/m);
    const bare = { ...p.context, env: { ...p.env, PATH: path.join(p.dir, 'empty-bin') } };
    const code = await runCli('rock-build', rockBuildProgram(bare), ['check'], p.context.io);
    expect(code).toBe(1);
    expect(p.context.lines.out.join('\n')).toContain('m: program make: missing: apt-get install make');
    expect(p.context.lines.out.join('\n')).toContain(
      'm: program musl-gcc: missing: apt-get install musl-tools',
    );
  });

  it.skipIf(spawnSync('cargo', ['-V']).status !== 0)(
    'check names a missing rust target and how to add it',
    async () => {
      const p = project(`components:
  - name: m
    source: src
    builder: cargo
    target: riscv64gc-unknown-linux-musl
    output: target/m
    role: manager
`);
      const r = await cli(p, 'check');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^m: program cargo: ok /m);
      expect(r.out).toMatch(
        /^m: rust target riscv64gc-unknown-linux-musl: missing: .*rustup target add riscv64gc-unknown-linux-musl$/m,
      );
    },
  );

  it('list shows roles, last build and cache state', async () => {
    const p = project(BUSYBOX_ONLY);
    const before = JSON.parse((await cli(p, 'list', '--json')).out);
    expect(before).toEqual([
      expect.objectContaining({ name: 'busybox', role: 'busybox', cached: false, file: 'busybox' }),
    ]);
    expect(before[0].lastBuild).toBeUndefined();
    expect((await cli(p, 'all')).code).toBe(0);
    const after = JSON.parse((await cli(p, 'list', '--json')).out);
    expect(after[0]).toMatchObject({ cached: true, lastBuild: { cached: false, current: true } });
    expect((await cli(p, 'list')).out).toMatch(/^busybox\tbusybox\tcommand\tcached\tlast built /);
  });

  it('clean removes only what rock-build made: a file of the user in the output directory and the sources stay', async () => {
    const p = project(C_MANIFEST);
    expect((await cli(p, 'all')).code).toBe(0);
    const out = path.join(p.dir, 'out');
    fs.writeFileSync(path.join(out, 'NOTES.txt'), 'mine');
    const sources = fs.readdirSync(path.join(p.dir, 'src')).sort();
    const one = await cli(p, 'clean', 'volcano-agent');
    expect(one.code).toBe(0);
    expect(fs.existsSync(path.join(out, 'volcano-agent'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'rock-init'))).toBe(true);
    const lock = JSON.parse(fs.readFileSync(path.join(out, 'components.lock.json'), 'utf8'));
    expect(Object.keys(lock.components)).not.toContain('volcano-agent');
    const all = await cli(p, 'clean', '--json');
    expect(all.code).toBe(0);
    expect(fs.readdirSync(out)).toEqual(['NOTES.txt']);
    expect(fs.readdirSync(path.join(p.dir, 'src')).sort()).toEqual(sources);
  });

  it('clean refuses a state that names a path outside the output directory', async () => {
    const p = project(BUSYBOX_ONLY);
    expect((await cli(p, 'all')).code).toBe(0);
    const stateFile = path.join(p.dir, 'out', '.rock-build', 'state.json');
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    state.produced.push('../src/rock-init.c');
    fs.writeFileSync(stateFile, JSON.stringify(state));
    const r = await cli(p, 'clean');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "produced: expected paths inside the output directory, found '../src/rock-init.c'",
    );
    expect(fs.existsSync(path.join(p.dir, 'src', 'rock-init.c'))).toBe(true);
  });

  it('--help shows examples', async () => {
    const p = project(BUSYBOX_ONLY);
    for (const args of [['--help'], ['build', '--help'], ['check', '--help'], ['clean', '--help']]) {
      const r = await cli(p, ...args);
      expect(r.code).toBe(0);
      expect(`${r.out}${r.err}`).toMatch(/Examples?:\n {2}\$ rock-build/);
    }
  });
});
