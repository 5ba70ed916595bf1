#!/usr/bin/env node
import type { Command } from '@commander-js/extra-typings';
import type { BuildCommands, BuildReport, ComponentResult } from '../build/index.js';
import { ExitError, ToolError } from '../errors/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { type CommandContext, contextOf, processContext } from './context.js';
import { isEntryPoint } from './entry.js';
import type { Io } from './io.js';
import { lazyCommands } from './lazy-commands.js';
import { positiveInteger } from './option-values.js';
import { toolProgram } from './program.js';
import { main } from './run.js';

/** The library's commands, imported when one first runs: --help and usage errors load none of them. */
const libraryCommands = lazyCommands(() => import('../build/commands.js').then((m) => m.buildCommands));

const EXAMPLES = `
Examples:
  $ rock-build all                          # every component of components.yaml, into build/components/
  $ rock-build rock-init volcano-agent --release --jobs 2
  $ rock-build all --no-cache --json        # rebuild everything, the report as JSON
  $ rock-build check                        # toolchains present? how to install what is missing
  $ rock-build list
  $ rock-build clean volcano-agent
  $ rock-image create --components build/components -o rock.img

Exit codes: 0 ok, 1 a build failed or an output does not fit its component (or check found
something missing), 2 unusable manifest or usage.
Environment: only PATH, HOME, SOURCE_DATE_EPOCH (default 0) and each component's env: allowlist
reach a build; ROCK_CACHE_DIR or ROCK_HOME choose the cache.`;

/**
 * Builds the `rock-build` program for `where` (a context, or just an Io); `commands` is the library
 * table it calls (tests pass a recorder).
 */
export function rockBuildProgram(
  where: CommandContext | Io = processContext(),
  commands: BuildCommands = libraryCommands,
): Command {
  const context = contextOf(where);
  const { io } = context;
  const program = toolProgram(
    'rock-build',
    'Build the components of a ROCK-OS image from source, check them, never build twice',
    EXAMPLES,
  ).configureOutput({
    writeOut: (t) => io.out(t.replace(/\n$/, '')),
    writeErr: (t) => io.err(t.replace(/\n$/, '')),
  });

  /** Runs a command; an invalid manifest prints every error line (not only the first) unless --json. */
  const run = async <T>(json: boolean, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (!json && err instanceof ToolError && err.code === 'MANIFEST_INVALID') {
        for (const line of err.data.lines as string[]) io.err(line);
        throw new ExitError(2);
      }
      throw err;
    }
  };

  program
    .command('build', { isDefault: true })
    .description('build components (and what they depend on) in dependency order, in parallel')
    .argument('[components...]', "component names, or 'all'", ['all'])
    .option('-f, --file <file>', 'the manifest', 'components.yaml')
    .option(
      '-o, --output-dir <dir>',
      "where outputs go (default: the manifest's output_dir, else build/components)",
    )
    .option(
      '--release',
      'release profile (cargo --profile release; ROCK_BUILD_PROFILE=release for the others)',
    )
    .option('-j, --jobs <n>', 'builds at once (default: the number of cores)', (v) =>
      positiveInteger('--jobs', v),
    )
    .option('--no-cache', 'rebuild even what the cache holds (the results are stored again)')
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (components, opts) => {
      const json = Boolean(opts.json);
      const report = await run(json, () =>
        commands.build(
          {
            components,
            file: opts.file,
            outputDir: opts.outputDir,
            release: opts.release,
            jobs: opts.jobs,
            noCache: !opts.cache,
            onEvent: json ? undefined : (e) => (e.type === 'done' ? printResult(io, e.result) : undefined),
          },
          context,
        ),
      );
      if (json) io.out(JSON.stringify(report, null, 2));
      else io.out(summary(report));
      if (!report.ok) throw new ExitError(1);
    });

  program
    .command('check')
    .description(
      'for each component: are its toolchain and target present, and how to install what is missing',
    )
    .option('-f, --file <file>', 'the manifest', 'components.yaml')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-build check --file components.yaml')
    .action(async (opts) => {
      const checks = await run(Boolean(opts.json), () => commands.check({ file: opts.file }, context));
      if (opts.json) io.out(JSON.stringify(checks, null, 2));
      else {
        for (const c of checks) {
          for (const r of c.requirements) {
            io.out(
              r.present
                ? `${c.name}: ${r.what}: ok (${r.found})`
                : `${c.name}: ${r.what}: missing: ${r.hint}`,
            );
          }
        }
      }
      if (checks.some((c) => !c.ok)) throw new ExitError(1);
    });

  program
    .command('list')
    .description('components, roles, last build, and whether the cache holds their current key')
    .option('-f, --file <file>', 'the manifest', 'components.yaml')
    .option('-o, --output-dir <dir>', 'the output directory')
    .option('--release', 'keys of the release profile')
    .option('--json', 'print the list as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ rock-build list\n  $ rock-build list --json')
    .action(async (opts) => {
      const list = await run(Boolean(opts.json), () =>
        commands.list({ file: opts.file, outputDir: opts.outputDir, release: opts.release }, context),
      );
      if (opts.json) {
        io.out(JSON.stringify(list, null, 2));
        return;
      }
      for (const c of list) {
        const last = c.lastBuild
          ? `last built ${c.lastBuild.builtAt}${c.lastBuild.cached ? ' (from the cache)' : ''}${c.lastBuild.current ? '' : ', out of date'}`
          : 'never built here';
        io.out(
          `${c.name}\t${c.role ?? c.install}\t${c.builder}\t${c.cached ? 'cached' : 'not cached'}\t${last}`,
        );
      }
    });

  program
    .command('clean')
    .description(
      'remove what rock-build produced in the output directory (never sources, nothing outside it)',
    )
    .argument('[component]', 'only this component')
    .option('-f, --file <file>', 'the manifest', 'components.yaml')
    .option('-o, --output-dir <dir>', 'the output directory')
    .option('--json', 'print what was removed as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ rock-build clean\n  $ rock-build clean volcano-agent')
    .action(async (component, opts) => {
      const report = await run(Boolean(opts.json), () =>
        commands.clean({ file: opts.file, outputDir: opts.outputDir, component }, context),
      );
      if (opts.json) io.out(JSON.stringify(report, null, 2));
      else
        io.out(`${report.outputDir}: removed ${report.removed.length} files and directories rock-build made`);
    });

  program
    .command('schema')
    .description('print the JSON Schema of components.yaml (for editors)')
    .option('-o, --output <file>', 'file to write (default: stdout)')
    .addHelpText('after', '\nExample:\n  $ rock-build schema -o schemas/components.schema.json')
    .action(async (opts) => {
      const { componentsJsonSchemaText } = await import('../build/json-schema.js');
      if (opts.output === undefined) io.out(componentsJsonSchemaText());
      else await writeFileAtomic(opts.output, componentsJsonSchemaText(), { mode: 0o644 });
    });

  return program;
}

function printResult(io: Io, r: ComponentResult): void {
  switch (r.status) {
    case 'built':
    case 'cached': {
      const why = r.missReasons && r.missReasons.length > 0 ? ` (${r.missReasons.join('; ')})` : '';
      io.err(`${r.status.padEnd(7)} ${r.name} -> ${r.file} sha256:${r.sha256.slice(0, 12)}${why}`);
      return;
    }
    case 'skipped':
      io.err(`skipped ${r.name}: ${r.reason}`);
      return;
    case 'failed':
      io.err(`failed  ${r.error.message}`);
      for (const line of r.tail) io.err(`  | ${line}`);
  }
}

function summary(report: BuildReport): string {
  const count = (s: ComponentResult['status']) => report.components.filter((c) => c.status === s).length;
  const parts = (['built', 'cached', 'failed', 'skipped'] as const)
    .filter((s) => count(s) > 0)
    .map((s) => `${count(s)} ${s}`);
  return `${report.components.length} components: ${parts.join(', ')} -> ${report.outputDir} (${report.lockFile})`;
}

if (isEntryPoint(import.meta.url)) main('rock-build', (context) => rockBuildProgram(context));
