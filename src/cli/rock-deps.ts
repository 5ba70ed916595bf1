#!/usr/bin/env node
import type { Command } from '@commander-js/extra-typings';
import type { DepsCommands } from '../deps/commands.js';
import { formatScan, formatTree, formatVersionProblem } from '../deps/format.js';
import type { DepsResult, ScanOptions } from '../deps/index.js';
import { ExitError } from '../errors/index.js';
import { type CommandContext, contextOf } from './context.js';
import { isEntryPoint } from './entry.js';
import type { Io } from './io.js';
import { lazyCommands } from './lazy-commands.js';
import { toolProgram } from './program.js';
import { main } from './run.js';
import { paint } from './terminal.js';

/** The library's commands, imported when one first runs: --help and usage errors load none of them. */
const libraryCommands = lazyCommands(() => import('../deps/commands.js').then((m) => m.depsCommands));

const EXAMPLES = `
Examples:
  $ rock-deps scan /usr/bin/volcano-agent
  $ rock-deps scan --root ./sysroot /usr/bin/volcano-agent /sbin/init --json
  $ rock-deps tree /usr/bin/curl
  $ rock-deps copy /usr/bin/volcano-agent --to ./rootfs
  $ rock-deps check volcano-agent libssl.so.3 libcrypto.so.3

Nothing is executed: ELF headers are read and the loader's search (glibc ld.so or musl) is replayed.
Exit codes: 0 ok, 1 something is missing (or a check failed), 2 unusable input or usage.`;

interface CommonFlags {
  root?: string;
  libraryPath?: string;
  platform?: string;
  hwcaps?: string;
  ldconfig?: boolean;
}

function scanOptions(o: CommonFlags): ScanOptions {
  return {
    root: o.root,
    ldLibraryPath: o.libraryPath?.split(/[:;]/),
    platform: o.platform,
    hwcaps: o.hwcaps?.split(',').filter(Boolean),
    ldSoConfFallback: o.ldconfig,
  };
}

function common<Args extends unknown[]>(cmd: Command<Args>) {
  return cmd
    .option(
      '--root <dir>',
      'resolve inside this sysroot or unpacked image (paths and symlinks stay inside it)',
    )
    .option('--library-path <dirs>', 'LD_LIBRARY_PATH to assume (colon-separated; default: none)')
    .option('--platform <name>', '$PLATFORM / AT_PLATFORM of the target (default by machine, e.g. x86_64)')
    .option(
      '--hwcaps <list>',
      'glibc-hwcaps levels the target CPU supports, best first (e.g. x86-64-v3,x86-64-v2)',
    )
    .option(
      '--ldconfig',
      'without /etc/ld.so.cache, also search ld.so.conf directories (ldconfig will run before boot)',
    )
    .option('--json', 'print JSON only on stdout');
}

/**
 * Builds the `rock-deps` program: flags mapped onto each command's options, the work done by
 * `commands` (the library's; tests pass recording ones), the result rendered through the context.
 */
export function rockDepsProgram(
  where: CommandContext | Io,
  commands: DepsCommands = libraryCommands,
): Command {
  const context = contextOf(where);
  const { io } = context;
  const colorize = (text: string) => colorLines(text, context.terminal.color);
  const program = toolProgram(
    'rock-deps',
    "Resolve the program interpreter and shared libraries of binaries with the loader's own rules",
    EXAMPLES,
  );

  common(
    program
      .command('scan')
      .description(
        'the interpreter and every library needed, with the path each resolves to or what was searched, and any symbol version a library lacks',
      )
      .argument('<bin...>', 'binaries or #! scripts'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (bins, opts) => {
      const result = await commands.scan({ binaries: bins, ...scanOptions(opts) }, context);
      if (opts.json) io.out(JSON.stringify(result, null, 2));
      else io.out(colorize(formatScan(result)));
      if (!result.ok) throw new ExitError(1);
    });

  common(
    program
      .command('tree')
      .description('the dependency tree, like lddtree')
      .argument('<bin>', 'binary or #! script'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (bin, opts) => {
      const result = await commands.scan({ binaries: [bin], ...scanOptions(opts) }, context);
      const b = result.binaries[0] as DepsResult['binaries'][number];
      if (opts.json) io.out(JSON.stringify(b, null, 2));
      else io.out(formatTree(b));
      if (!result.ok) {
        if (!opts.json) io.err(formatScan(result).split('\n').slice(-1)[0] ?? '');
        throw new ExitError(1);
      }
    });

  common(
    program
      .command('copy')
      .description('copy interpreters and libraries to the same paths under ROOTFS, keeping symlink chains')
      .argument('<bin...>', 'binaries or #! scripts'),
  )
    .requiredOption('--to <rootfs>', 'directory to copy into (created if missing)')
    .addHelpText('after', EXAMPLES)
    .action(async (bins, opts) => {
      const { report } = await commands.copy({ binaries: bins, to: opts.to, ...scanOptions(opts) }, context);
      if (opts.json) io.out(JSON.stringify(report, null, 2));
      else {
        for (const a of report.actions)
          io.out(`${a.action.padEnd(14)} ${a.path}${a.target ? ` -> ${a.target}` : ''}`);
        io.out(`copied into ${report.rootfs}: ${report.files} files, ${report.symlinks} symlinks`);
      }
    });

  common(
    program
      .command('check')
      .description(
        'fail unless every named library is in the closure of BIN, everything resolves and every symbol version needed is defined',
      )
      .argument('<bin>', 'binary or #! script')
      .argument('<lib...>', 'library names (soname, file name or path)'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (bin, libs, opts) => {
      const { check } = await commands.check({ binary: bin, libraries: libs, ...scanOptions(opts) }, context);
      if (opts.json) io.out(JSON.stringify(check, null, 2));
      else {
        for (const p of check.present) io.out(`present  ${p.name} => ${p.path}`);
        for (const a of check.absent) io.out(`ABSENT   ${a}`);
        for (const u of check.unresolved)
          io.out(
            `MISSING  ${u.soname} (needed by ${u.requiredBy.join(', ')})${u.error ? `: ${u.error}` : ''}`,
          );
        for (const v of check.versionProblems) io.out(`VERSION  ${formatVersionProblem(v)}`);
        io.out(colorize(check.ok ? `ok: ${bin} has ${libs.join(', ')}` : `FAILED: ${bin}`));
      }
      if (!check.ok) throw new ExitError(1);
    });

  return program;
}

function colorLines(text: string, color: boolean): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('ok:')) return paint(line, 'green', color);
      if (line.startsWith('FAILED') || line.includes(' not found')) return paint(line, 'red', color);
      return line;
    })
    .join('\n');
}

if (isEntryPoint(import.meta.url)) main('rock-deps', (context) => rockDepsProgram(context));
