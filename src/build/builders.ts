/**
 * What each builder runs: the argv, the variables it adds to the child's environment, and the
 * commands whose output names its toolchain (part of the key). Pure: nothing is run here.
 */
import type { Component } from './manifest-schema.js';

/** How one component is built. */
export interface BuildPlan {
  /** argv[0] is looked up on the child's PATH; never a shell unless the component asked for one. */
  argv: string[];
  /** Added to the child's environment (over the allowlist). */
  env: Record<string, string>;
  /** Commands whose output identifies the toolchain: `rustc -vV`, `go version`, `cc --version`. */
  versions: string[][];
  /** Programs that must be on PATH (for `rock-build check`). */
  programs: string[];
}

/** Facts a plan depends on beyond the component. */
export interface PlanContext {
  /** The build directory (a copy of the sources); the path rustc's file names are remapped from. */
  workDir: string;
  /** `release` (--release) or `debug`. */
  profile: 'release' | 'debug';
  /** The caller's HOME, remapped in rustc paths like the build directory. */
  home: string;
}

/** The plan of `component`. */
export function planBuild(c: Component, ctx: PlanContext): BuildPlan {
  switch (c.builder) {
    case 'cargo': {
      const profile = c.profile ?? (ctx.profile === 'release' ? 'release' : 'dev');
      const argv = ['cargo', 'build', '--offline', '--profile', profile];
      if (c.target !== undefined) argv.push('--target', c.target);
      if (c.features.length > 0) argv.push('--features', c.features.join(','));
      // Paths in panics and debug info name /build/<name>, not this machine's directories.
      const remap = [
        `--remap-path-prefix=${ctx.workDir}=/build/${c.name}`,
        `--remap-path-prefix=${ctx.home}=/home`,
      ].join(' ');
      return {
        argv,
        env: { RUSTFLAGS: remap, CARGO_INCREMENTAL: '0' },
        versions: [
          ['rustc', '-vV'],
          ['cargo', '-V'],
        ],
        programs: ['cargo', 'rustc'],
      };
    }
    case 'go': {
      const argv = ['go', 'build', '-trimpath', '-buildvcs=false'];
      if (c.ldflags !== undefined) argv.push(`-ldflags=${c.ldflags}`);
      argv.push('-o', c.output, c.package);
      return {
        argv,
        env: { GOOS: c.goos, GOARCH: c.goarch, CGO_ENABLED: c.cgo_enabled ? '1' : '0' },
        versions: c.cgo_enabled
          ? [
              ['go', 'version'],
              ['cc', '--version'],
            ]
          : [['go', 'version']],
        programs: c.cgo_enabled ? ['go', 'cc'] : ['go'],
      };
    }
    case 'make': {
      const vars = Object.entries(c.variables).map(([k, v]) => `${k}=${v}`);
      // The compilers the Makefile is told to use (CC, MUSL_CC, CXX, ...): their versions are keyed.
      const compilers = Object.entries(c.variables)
        .filter(([k]) => /(^|_)(CC|CXX)$/.test(k))
        .map(([, v]) => v.split(' ')[0] as string)
        .filter((v) => v !== '');
      const used = [...new Set(compilers.length > 0 ? compilers : ['cc'])];
      return {
        argv: ['make', ...(c.target === undefined ? [] : [c.target]), ...vars],
        env: {},
        versions: [['make', '--version'], ...used.map((cc) => [cc, '--version'])],
        programs: ['make', ...used],
      };
    }
    case 'command': {
      const [program, ...rest] = c.argv as [string, ...string[]];
      const argv = c.shell ? ['sh', '-c', program, 'sh', ...rest] : [program, ...rest];
      return {
        argv,
        env: {},
        // The program itself is hashed (see toolchain.ts); cc too, in case it drives a compiler.
        versions: [['cc', '--version']],
        programs: [argv[0] as string],
      };
    }
  }
}
