/**
 * A throw-away project for rock-build tests: a temp directory with a copy of the C fixtures, a
 * manifest, its own cache directory, and a PATH whose compilers are wrappers that count what they
 * compile (one line per invocation in `calls`, `--version` probes excluded).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../../cli/context.js';
import { testContext } from '../../cli/context.js';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const fixturesC = path.join(repoRoot, 'fixtures', 'c');

export interface Project {
  dir: string;
  cacheDir: string;
  /** The file the compiler wrappers append to. */
  calls: string;
  env: NodeJS.ProcessEnv;
  context: CommandContext & { lines: { out: string[]; err: string[] } };
  write(file: string, text: string): void;
  /** Compilations so far (each line: the wrapped program and its arguments). */
  compilations(): string[];
  remove(): void;
}

const WRAPPED = ['gcc', 'musl-gcc', 'cc', 'go', 'cargo'];

/** A project in a new temp directory, with `fixtures/c` copied to `src/`. */
export function makeProject(manifest: string): Project {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-build-'));
  fs.cpSync(fixturesC, path.join(dir, 'src'), { recursive: true });
  const bin = path.join(dir, 'wrappers');
  fs.mkdirSync(bin);
  const calls = path.join(dir, 'calls.log');
  const realPath = process.env.PATH ?? '/usr/bin:/bin';
  for (const name of WRAPPED) {
    const real = realPath
      .split(':')
      .map((d) => path.join(d, name))
      .find((p) => fs.existsSync(p));
    if (real === undefined) continue;
    fs.writeFileSync(
      path.join(bin, name),
      `#!/bin/sh\ncase "$1" in --version|-vV|version|-V) ;; *) echo "${name} $*" >> '${calls}' ;; esac\nexec '${real}' "$@"\n`,
      { mode: 0o755 },
    );
  }
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${realPath}`,
    HOME: process.env.HOME ?? '/root',
    ROCK_CACHE_DIR: path.join(dir, 'cache'),
    // Never passed to a build (not allowlisted): a test checks it does not leak.
    ROCK_SECRET_PROBE: 'leaked-value',
  };
  const lines = { out: [] as string[], err: [] as string[] };
  const context = Object.assign(
    testContext({
      cwd: dir,
      env,
      home: path.join(dir, 'rock-home'),
      io: { out: (t) => lines.out.push(t), err: (t) => lines.err.push(t) },
    }),
    { lines },
  );
  const project: Project = {
    dir,
    cacheDir: path.join(dir, 'cache'),
    calls,
    env,
    context,
    write: (file, text) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    },
    compilations: () =>
      fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean) : [],
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  project.write('components.yaml', manifest);
  return project;
}

/**
 * The C stand-ins as a manifest, each component reading only its own files (excludes): make for the
 * static pair, a command for the dynamic agent (gcc + OpenSSL) and for an extra static tool that
 * depends on rock-manager, and Debian's busybox copied as it is.
 */
export const C_MANIFEST = `output_dir: out
components:
  - name: rock-init
    source: src
    exclude: ['*', '!Makefile', '!rock-init.c']
    builder: make
    target: rock-init
    output: rock-init
    role: init
    static: true
  - name: rock-manager
    source: src
    exclude: ['*', '!Makefile', '!rock-manager.c']
    builder: make
    target: rock-manager
    output: rock-manager
    role: manager
    static: true
  - name: volcano-agent
    source: src
    exclude: ['*', '!volcano-agent.c', '!rock-envelope.c', '!rock-envelope.h']
    builder: command
    argv: [gcc, -O2, -o, volcano-agent, volcano-agent.c, rock-envelope.c, -lssl, -lcrypto]
    output: volcano-agent
    role: agent
  - name: manager-tools
    source: src
    exclude: ['*', '!modules-init.c']
    builder: command
    argv: ['musl-gcc -static -Os -o manager-tools modules-init.c && test -n "$ROCK_BUILD_DEP_ROCK_MANAGER"']
    shell: true
    output: manager-tools
    install: /usr/bin/manager-tools
    static: true
    depends: [rock-manager]
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
