/**
 * `rock-build check`: for each component, whether the programs and targets its builder needs are
 * there (on the PATH a build gets), and for each missing one exactly how to install it on Debian.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { planBuild } from './builders.js';
import type { Component } from './manifest-schema.js';
import { findOnPath } from './toolchain.js';

/** One thing a component's build needs. */
export interface Requirement {
  /** `program gcc`, `rust target x86_64-unknown-linux-musl`. */
  what: string;
  present: boolean;
  /** Where it was found (a program's path, a target's directory). */
  found?: string;
  /** How to install it on Debian, when it is missing. */
  hint?: string;
}

/** The requirements of one component. */
export interface ComponentCheck {
  name: string;
  builder: Component['builder'];
  requirements: Requirement[];
  ok: boolean;
}

/** Debian packages of the programs builders usually run. */
const PACKAGES: Readonly<Record<string, string>> = {
  gcc: 'gcc libc6-dev',
  cc: 'gcc libc6-dev',
  'x86_64-linux-gnu-gcc': 'gcc libc6-dev',
  'musl-gcc': 'musl-tools',
  make: 'make',
  cargo: 'cargo',
  rustc: 'rustc',
  go: 'golang-go',
  clang: 'clang',
  ld: 'binutils',
  strip: 'binutils',
  'pkg-config': 'pkg-config',
  cp: 'coreutils',
  sh: 'dash',
  bash: 'bash',
  cmake: 'cmake',
  ninja: 'ninja-build',
  meson: 'meson',
  'aarch64-linux-gnu-gcc': 'gcc-aarch64-linux-gnu',
};

/** The install hint for a program: `apt-get install musl-tools`. */
export function installHint(program: string): string {
  const base = path.basename(program);
  const pkg = PACKAGES[base];
  return pkg === undefined
    ? `find its package with: apt-file search --regexp 'bin/${base}$', then apt-get install it`
    : `apt-get install ${pkg}`;
}

/** Checks every component against the programs on `env.PATH`. */
export function checkToolchains(
  components: readonly Component[],
  env: Readonly<NodeJS.ProcessEnv>,
  manifestDir: string,
): ComponentCheck[] {
  const PATH = env.PATH ?? '';
  return components.map((c) => {
    const plan = planBuild(c, { workDir: '/', profile: 'debug', home: env.HOME ?? '/' });
    const sourceDir = path.resolve(manifestDir, c.source);
    const programs = [...new Set(c.builder === 'cargo' ? [...plan.programs, 'cc'] : plan.programs)];
    const requirements: Requirement[] = programs.map((p) => {
      const found = findOnPath(p, PATH, sourceDir);
      return found
        ? { what: `program ${p}`, present: true, found }
        : { what: `program ${p}`, present: false, hint: installHint(p) };
    });
    if (c.builder === 'cargo' && c.target !== undefined) requirements.push(rustTarget(c.target, env));
    return { name: c.name, builder: c.builder, requirements, ok: requirements.every((r) => r.present) };
  });
}

/** A rustc target is installed when its standard library is in the sysroot (rustup or Debian). */
function rustTarget(target: string, env: Readonly<NodeJS.ProcessEnv>): Requirement {
  const what = `rust target ${target}`;
  const rustc = findOnPath('rustc', env.PATH ?? '', '/');
  const hasRustup = findOnPath('rustup', env.PATH ?? '', '/') !== undefined;
  const hint = hasRustup
    ? `rustup target add ${target}`
    : `Debian's rustc carries only the host's standard library: install rustup (https://rustup.rs), then rustup target add ${target}`;
  if (rustc === undefined) return { what, present: false, hint: `apt-get install rustc, then: ${hint}` };
  const run = spawnSync(rustc, ['--print', 'sysroot'], {
    env: { PATH: env.PATH ?? '', HOME: env.HOME ?? '/' },
    encoding: 'utf8',
  });
  const dir = path.join(run.stdout.trim(), 'lib', 'rustlib', target, 'lib');
  return run.status === 0 && fs.existsSync(dir)
    ? { what, present: true, found: dir }
    : { what, present: false, hint };
}
