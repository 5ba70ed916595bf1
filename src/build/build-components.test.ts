// Real builds of the C stand-ins with the machine's toolchains (make, musl-gcc, gcc + OpenSSL):
// outputs checked and named by role, a second run taken entirely from the cache (compilers counted
// by wrappers on PATH), a one-file change rebuilding exactly that component and its dependents.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readElfFile } from '../elf/index.js';
import { buildComponents } from './build-components.js';
import { C_MANIFEST, makeProject, type Project } from './test-support/project.js';

const projects: Project[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.remove();
});
function project(manifest = C_MANIFEST): Project {
  const p = makeProject(manifest);
  projects.push(p);
  return p;
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const statuses = (r: Awaited<ReturnType<typeof buildComponents>>) =>
  Object.fromEntries(r.components.map((c) => [c.name, c.status]));

describe('rock-build on the C fixtures', () => {
  it('builds every component, names outputs by role, writes the lock file; the second run compiles nothing', async () => {
    const p = project();
    const first = await buildComponents({ components: ['all'], jobs: 2 }, p.context);
    expect(first.components.filter((c) => c.status === 'failed')).toEqual([]);
    expect(statuses(first)).toEqual({
      'rock-init': 'built',
      'rock-manager': 'built',
      'volcano-agent': 'built',
      'manager-tools': 'built',
      busybox: 'built',
    });
    const out = path.join(p.dir, 'out');
    expect(fs.readdirSync(out).sort()).toEqual([
      '.rock-build',
      'busybox',
      'components.lock.json',
      'manager-tools',
      'rock-init',
      'rock-manager',
      'volcano-agent',
    ]);
    expect(readElfFile(path.join(out, 'rock-init')).interpreter).toBeUndefined();
    expect(readElfFile(path.join(out, 'volcano-agent')).needed).toEqual(
      expect.arrayContaining(['libssl.so.3', 'libcrypto.so.3']),
    );
    expect(fs.statSync(path.join(out, 'rock-init')).mode & 0o777).toBe(0o755);
    const lock = JSON.parse(fs.readFileSync(path.join(out, 'components.lock.json'), 'utf8'));
    expect(Object.keys(lock.components)).toEqual([
      'busybox',
      'manager-tools',
      'rock-init',
      'rock-manager',
      'volcano-agent',
    ]);
    expect(lock.components['rock-init']).toMatchObject({
      file: 'rock-init',
      role: 'init',
      sha256: sha(path.join(out, 'rock-init')),
      cached: false,
      facts: { machine: 'x86_64', class: 64, linkage: 'static' },
    });
    expect(lock.components['rock-init'].key).toMatch(/^build-[0-9a-f]{64}$/);
    expect(lock.components['manager-tools']).toMatchObject({ install: '/usr/bin/manager-tools' });
    expect(lock.components['volcano-agent'].facts.linkage).toBe('dynamic');
    // One compiler run per component (busybox is copied): the wrappers on PATH saw each.
    expect(
      p
        .compilations()
        .map((l) => l.split(' ').slice(0, 2).join(' '))
        .sort(),
    ).toEqual(['gcc -O2', 'musl-gcc -static', 'musl-gcc -static', 'musl-gcc -static']);
    fs.writeFileSync(p.calls, '');

    const second = await buildComponents({ components: ['all'], jobs: 2 }, p.context);
    expect(Object.values(statuses(second))).toEqual(['cached', 'cached', 'cached', 'cached', 'cached']);
    expect(p.compilations()).toEqual([]);
    const lock2 = JSON.parse(fs.readFileSync(path.join(out, 'components.lock.json'), 'utf8'));
    expect(lock2.components['rock-init'].cached).toBe(true);
    expect(lock2.components['rock-init'].sha256).toBe(lock.components['rock-init'].sha256);
    expect(lock2.components['rock-init'].key).toBe(lock.components['rock-init'].key);
  });

  it('a second build of the same output directory waits for the first, saying so, then finds it all cached', async () => {
    const p = project();
    const [first, second] = await Promise.all([
      buildComponents({ components: ['all'], jobs: 2 }, p.context),
      buildComponents({ components: ['all'], jobs: 2 }, p.context),
    ]);
    expect(first.ok && second.ok).toBe(true);
    expect(p.context.lines.err.filter((l) => l.includes('waiting for another rock-build'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^rock-build: waiting for another rock-build \\(pid ${process.pid}, since .+\\) using ${path.join(p.dir, 'out')}$`,
        ),
      ),
    ]);
    expect(new Set(second.components.map((c) => c.status))).toEqual(new Set(['cached']));
    expect(fs.existsSync(path.join(p.dir, 'out', '.rock-build.lock'))).toBe(false);
  });

  it('rebuilds exactly the changed component and what depends on it, and says why it missed', async () => {
    const p = project();
    await buildComponents({ components: ['all'], jobs: 2 }, p.context);
    fs.writeFileSync(p.calls, '');
    fs.appendFileSync(path.join(p.dir, 'src', 'rock-manager.c'), '\nint rock_manager_changed = 1;\n');
    const again = await buildComponents({ components: ['all'], jobs: 2 }, p.context);
    expect(statuses(again)).toEqual({
      'rock-init': 'cached',
      'rock-manager': 'built',
      'volcano-agent': 'cached',
      'manager-tools': 'built',
      busybox: 'cached',
    });
    expect(p.compilations()).toHaveLength(2);
    expect(again.components.find((c) => c.name === 'rock-manager')).toMatchObject({
      missReasons: ['sources: rock-manager.c changed'],
    });
    // manager-tools' own sources did not change: it rebuilt because rock-manager's output did.
    expect(again.components.find((c) => c.name === 'manager-tools')).toMatchObject({
      missReasons: ['depends changed'],
    });
  });

  it("keeps dependents cached when a change leaves the dependency's output identical", async () => {
    const p = project();
    await buildComponents({ components: ['all'] }, p.context);
    fs.appendFileSync(path.join(p.dir, 'src', 'rock-manager.c'), '\n/* a comment only */\n');
    const again = await buildComponents({ components: ['rock-manager', 'manager-tools'] }, p.context);
    expect(statuses(again)).toEqual({ 'rock-manager': 'built', 'manager-tools': 'cached' });
  });

  it('gives two clean builds in different directories byte-identical outputs', async () => {
    const a = project();
    const b = project();
    await buildComponents({ components: ['all'], noCache: true }, a.context);
    await buildComponents({ components: ['all'], noCache: true }, b.context);
    for (const f of ['rock-init', 'rock-manager', 'volcano-agent', 'manager-tools']) {
      expect(sha(path.join(b.dir, 'out', f)), f).toBe(sha(path.join(a.dir, 'out', f)));
    }
  });

  it('never hashes its own output directory, even inside a source directory', async () => {
    const p = project(
      C_MANIFEST.replace('output_dir: out', 'output_dir: src/build-out').replace(
        /exclude: \[[^\]]*\]/,
        'exclude: []',
      ),
    );
    const first = await buildComponents({ components: ['rock-init'] }, p.context);
    expect(statuses(first)).toEqual({ 'rock-init': 'built' });
    expect(fs.existsSync(path.join(p.dir, 'src', 'build-out', 'rock-init'))).toBe(true);
    const again = await buildComponents({ components: ['rock-init'] }, p.context);
    expect(statuses(again)).toEqual({ 'rock-init': 'cached' });
  });

  it('--no-cache rebuilds what the cache holds', async () => {
    const p = project();
    await buildComponents({ components: ['rock-init'] }, p.context);
    fs.writeFileSync(p.calls, '');
    const again = await buildComponents({ components: ['rock-init'], noCache: true }, p.context);
    expect(statuses(again)).toEqual({ 'rock-init': 'built' });
    expect(p.compilations()).toHaveLength(1);
  });
});

describe('what a builder sees', () => {
  const ENV_MANIFEST = `output_dir: out
components:
  - name: probe
    source: src
    exclude: ['*']
    env: [MY_FLAG, MY_UNSET]
    inputs: [/bin/busybox]
    builder: command
    argv: ['env | sort; cp /bin/busybox probe']
    shell: true
    output: probe
    install: /usr/bin/probe
    static: true
`;

  it('gets PATH, HOME, SOURCE_DATE_EPOCH and its allowlist, nothing else of the caller', async () => {
    const p = project(ENV_MANIFEST);
    const ctx = { ...p.context, env: { ...p.env, MY_FLAG: 'on' } };
    const r = await buildComponents({ components: ['probe'] }, ctx);
    expect(statuses(r)).toEqual({ probe: 'built' });
    const log = fs.readFileSync(path.join(p.dir, 'out', '.rock-build', 'logs', 'probe.log'), 'utf8');
    const names = log
      .split('\n')
      .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')))
      .filter((n) => n !== 'PWD' && n !== 'SHLVL' && n !== '_');
    expect(names).toEqual(['HOME', 'MY_FLAG', 'PATH', 'ROCK_BUILD_PROFILE', 'SOURCE_DATE_EPOCH']);
    expect(log).toContain('SOURCE_DATE_EPOCH=0\n');
    expect(log).not.toContain('leaked-value');
  });

  it('keys the allowlisted values: changed, emptied and unset each rebuild', async () => {
    const p = project(ENV_MANIFEST);
    const run = async (extra: NodeJS.ProcessEnv) =>
      (await buildComponents({ components: ['probe'] }, { ...p.context, env: { ...p.env, ...extra } }))
        .components[0];
    expect((await run({ MY_FLAG: 'a-secret-value' }))?.status).toBe('built');
    expect((await run({ MY_FLAG: 'a-secret-value' }))?.status).toBe('cached');
    // Values are keyed by their hash: the state (which keeps the key document) never holds one.
    const state = fs.readFileSync(path.join(p.dir, 'out', '.rock-build', 'state.json'), 'utf8');
    expect(state).toContain('"MY_FLAG": "sha256:');
    expect(state).not.toContain('a-secret-value');
    expect(await run({ MY_FLAG: 'off' })).toMatchObject({ status: 'built', missReasons: ['env changed'] });
    expect((await run({ MY_FLAG: '' }))?.status).toBe('built');
    expect((await run({}))?.status).toBe('built');
    // Not allowlisted: no effect on the key.
    expect((await run({ OTHER: 'x' }))?.status).toBe('cached');
  });
});

describe('parallel builds', () => {
  it('never runs more than --jobs builds at once (each build counts the others running)', async () => {
    const entry = (name: string) => `  - name: ${name}
    source: src
    exclude: ['*']
    inputs: [/bin/busybox]
    env: [RUNNING]
    builder: command
    argv: ['touch "$RUNNING/${name}"; ls "$RUNNING" | wc -l >&2; sleep 0.3; ls "$RUNNING" | wc -l >&2; rm "$RUNNING/${name}"; cp /bin/busybox out']
    shell: true
    output: out
    install: /usr/bin/${name}
`;
    const names = ['j1', 'j2', 'j3', 'j4'];
    const p = project(`output_dir: out\ncomponents:\n${names.map(entry).join('')}`);
    const running = path.join(p.dir, 'running');
    fs.mkdirSync(running);
    for (const jobs of [1, 2]) {
      const ctx = { ...p.context, env: { ...p.env, RUNNING: running } };
      const r = await buildComponents({ components: ['all'], jobs, noCache: true }, ctx);
      expect(r.ok).toBe(true);
      const seen = names.flatMap((n) =>
        fs
          .readFileSync(path.join(p.dir, 'out', '.rock-build', 'logs', `${n}.log`), 'utf8')
          .split('\n')
          .filter((l) => /^\s*\d+$/.test(l))
          .map(Number),
      );
      expect(seen).toHaveLength(8);
      expect(Math.max(...seen)).toBeLessThanOrEqual(jobs);
    }
  });
});

describe('outputs that do not fit their component are refused', () => {
  const manifest = (entry: string) => `output_dir: out
components:
  - name: bad
    source: src
    exclude: ['*', '!rock-manager.c']
    install: /usr/bin/bad
${entry}
  - name: after-bad
    source: src
    exclude: ['*']
    inputs: [/bin/busybox]
    builder: command
    argv: [cp, /bin/busybox, after]
    output: after
    install: /usr/bin/after
    static: true
    depends: [bad]
`;

  it('refuses a static: true component that linked dynamically, naming what it found; dependents are skipped', async () => {
    const p = project(
      manifest(`    builder: command
    argv: [gcc, -o, bad, rock-manager.c]
    output: bad
    static: true`),
    );
    const r = await buildComponents({ components: ['all'] }, p.context);
    expect(r.ok).toBe(false);
    const bad = r.components[0];
    expect(bad).toMatchObject({ name: 'bad', status: 'failed', error: { code: 'OUTPUT_NOT_STATIC' } });
    expect(bad?.status === 'failed' && bad.error.message).toMatch(
      /^bad: output bad: expected a static executable \(static: true: no PT_INTERP, no DT_NEEDED\), found PT_INTERP \/lib64\/ld-linux-x86-64\.so\.2; DT_NEEDED libc\.so\.6/,
    );
    expect(r.components[1]).toEqual({
      name: 'after-bad',
      status: 'skipped',
      reason: 'depends on bad, which did not build',
    });
    expect(fs.existsSync(path.join(p.dir, 'out', 'bad'))).toBe(false);
    expect(fs.existsSync(p.cacheDir) ? fs.readdirSync(p.cacheDir) : []).not.toContain('refs');
  });

  it('takes a static-pie (ET_DYN, no interpreter, no DT_NEEDED) as static', async () => {
    const p = project(
      manifest(`    builder: command
    argv: [gcc, -static-pie, -o, bad, rock-manager.c]
    output: bad
    static: true`),
    );
    const r = await buildComponents({ components: ['bad'] }, p.context);
    expect(r.components[0]).toMatchObject({ status: 'built' });
    const lock = JSON.parse(fs.readFileSync(path.join(p.dir, 'out', 'components.lock.json'), 'utf8'));
    expect(lock.components.bad.facts).toEqual({
      machine: 'x86_64',
      class: 64,
      linkage: 'static-pie',
      needed: [],
    });
  });

  it('refuses an aarch64 ELF where x86_64 is expected, and takes it when the component says aarch64', async () => {
    // A real static x86_64 binary with e_machine patched to 183 (EM_AARCH64).
    const patch = `    builder: command
    argv: ['cp /bin/busybox bad && printf "\\267\\000" | dd of=bad bs=1 seek=18 conv=notrunc 2>/dev/null']
    shell: true
    inputs: [/bin/busybox]
    output: bad
    static: true`;
    const p = project(manifest(patch));
    const r = await buildComponents({ components: ['bad'] }, p.context);
    expect(r.components[0]).toMatchObject({
      status: 'failed',
      error: {
        code: 'OUTPUT_WRONG_MACHINE',
        message: 'bad: output bad: expected a 64-bit x86_64 ELF, found a 64-bit aarch64 ELF (e_machine 183)',
      },
    });
    const q = project(manifest(`${patch}\n    machine: aarch64`));
    expect(statuses(await buildComponents({ components: ['bad'] }, q.context))).toEqual({ bad: 'built' });
  });

  it('reports a failing build with the last lines of its log', async () => {
    const p = project(
      manifest(`    builder: command
    argv: ['echo compiling; echo "error: no such thing" >&2; exit 3']
    shell: true
    output: bad`),
    );
    const r = await buildComponents({ components: ['bad'] }, p.context);
    const bad = r.components[0];
    expect(bad).toMatchObject({ status: 'failed', error: { code: 'BUILD_FAILED' } });
    expect(bad?.status === 'failed' && bad.error.message).toBe(
      `bad: build failed: sh exited with status 3 (log: ${path.join(p.dir, 'out', '.rock-build', 'logs', 'bad.log')})`,
    );
    expect(bad?.status === 'failed' && bad.tail.slice(-2)).toEqual(['compiling', 'error: no such thing']);
  });

  it('refuses a dynamic output whose libraries do not resolve on this host', async () => {
    // libbad.so exists only in the build directory: the loader would never find it.
    const p = project(
      manifest(`    builder: command
    argv: ['printf "int f(void){return 0;}" > f.c && gcc -shared -fPIC -o libbad.so f.c && printf "int f(void);int main(void){return f();}" > m.c && gcc -o bad m.c -L. -lbad']
    shell: true
    output: bad`),
    );
    const r = await buildComponents({ components: ['bad'] }, p.context);
    expect(r.components[0]).toMatchObject({
      status: 'failed',
      error: {
        code: 'OUTPUT_DEPS_UNRESOLVED',
        message:
          'bad: output bad: expected every library of its closure to resolve on this host, found unresolved libbad.so',
      },
    });
  });

  it('refuses a file that is not ELF at all', async () => {
    const p = project(
      manifest(`    builder: command
    argv: ['echo "#!/bin/sh" > bad']
    shell: true
    output: bad`),
    );
    const r = await buildComponents({ components: ['bad'] }, p.context);
    expect(r.components[0]).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_NOT_ELF' } });
  });
});
