#!/usr/bin/env node
import { Command, Option } from '@commander-js/extra-typings';
import type * as Compose from '../compose/index.js';
import type { GraphFormat } from '../compose/index.js';
import { ExitError, InputError } from '../errors/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { VERSION } from '../version.js';
import type * as ComposeCommands from './compose-commands.js';
import type { ComposePlanOptions, ComposeRunOptions } from './compose-commands.js';
import { type CommandContext, processContext } from './context.js';
import { isEntryPoint } from './entry.js';
import { collect } from './option-values.js';
import { main } from './run.js';

export type { ComposePlanOptions, ComposeRunOptions } from './compose-commands.js';

const EXAMPLES = `
Examples:
  $ rock-compose run pipelines/build-rock-os.yaml
  $ rock-compose run pipelines/build-rock-os.yaml --jobs 2 --var NODE_ID=node-07 --json
  $ rock-compose validate pipelines/build-rock-os.yaml
  $ rock-compose plan pipelines/build-rock-os.yaml
  $ rock-compose graph pipelines/build-rock-os.yaml --format dot | dot -Tsvg > pipeline.svg
  $ rock-compose list pipelines

Exit codes: 0 ok, 1 a stage failed, 2 the pipeline is invalid (every problem is listed as
FILE:LINE:COL), 130 interrupted (Ctrl-C or SIGTERM: running stages and their children are killed).
State: .rock/ beside the pipeline (stamps/ for up-to-date checks, runs/<run-id>/<stage>.log).`;

const varOption = () =>
  new Option('--var <name=value>', 'set a variable (repeatable; overrides variables:)')
    .argParser(collect)
    .default([] as string[]);
const stateOption = () =>
  new Option('--state-dir <dir>', 'state directory (default: .rock/ beside the pipeline)');

/** Builds the `rock-compose` program; the context supplies cwd, env and output (tests pass their own). */
export function rockComposeProgram(context: CommandContext = processContext()): Command {
  const { io } = context;
  const program = new Command('rock-compose')
    .description('Run YAML pipelines that build, verify and boot ROCK-OS images: incremental and parallel')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXAMPLES);
  // The pipeline modules (yaml, zod, the scheduler) load before an action runs, never for --help.
  let compose: typeof Compose;
  let commands: typeof ComposeCommands;
  program.hook('preAction', async () => {
    [compose, commands] = await Promise.all([import('../compose/index.js'), import('./compose-commands.js')]);
  });

  program
    .command('run')
    .description(
      'run the pipeline: stages start when their dependencies succeed, up-to-date ones are skipped',
    )
    .argument('<file>', 'pipeline file')
    .option('-j, --jobs <n>', 'at most this many stages at once (default: the number of cores)')
    .addOption(varOption())
    .option('-k, --keep-going', 'after a failure, still run every stage that does not depend on it')
    .addOption(stateOption())
    .option('--json', 'print { stages: [{ name, status, exit_code, duration_ms, log, reason }] } on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-compose run pipelines/build-rock-os.yaml\n  $ rock-compose run ci.yaml -j 4 -k --var POOL=production',
    )
    .action(async (file, opts) => {
      const options: ComposeRunOptions = {
        file,
        ...(opts.jobs === undefined ? {} : { jobs: jobsValue(opts.jobs) }),
        vars: compose.parseVarAssignments(opts.var),
        keepGoing: opts.keepGoing === true,
        ...(opts.stateDir === undefined ? {} : { stateDir: opts.stateDir }),
        json: opts.json === true,
      };
      const result = await commands.composeRun(options, context);
      if (options.json) io.out(JSON.stringify({ stages: result.stages }, null, 2));
      else commands.printRun(result, context);
      if (result.interrupted) throw new ExitError(130);
      if (!result.ok) throw new ExitError(1);
    });

  program
    .command('validate')
    .description('check the pipeline completely (schema, graph, variables, verification) without running it')
    .argument('<file>', 'pipeline file')
    .addOption(varOption())
    .option('--json', 'print { valid, stages } on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-compose validate pipelines/build-rock-os.yaml')
    .action(async (file, opts) => {
      const pipeline = commands.withIssues(
        () => compose.loadPipeline(file, context, compose.parseVarAssignments(opts.var)),
        context,
        opts.json === true,
      );
      if (opts.json) io.out(JSON.stringify({ valid: true, stages: pipeline.order }, null, 2));
      else io.out(`${file}: valid, ${pipeline.stages.length} stages: ${pipeline.order.join(', ')}`);
    });

  program
    .command('plan')
    .description('show the order and what would run or be skipped as up to date, and why (changes nothing)')
    .argument('<file>', 'pipeline file')
    .addOption(varOption())
    .addOption(stateOption())
    .option('--json', 'print the plan as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-compose plan pipelines/build-rock-os.yaml')
    .action(async (file, opts) => {
      const options: ComposePlanOptions = {
        file,
        vars: compose.parseVarAssignments(opts.var),
        ...(opts.stateDir === undefined ? {} : { stateDir: opts.stateDir }),
        json: opts.json === true,
      };
      const plan = await commands.composePlan(options, context);
      if (options.json) io.out(JSON.stringify(plan, null, 2));
      else commands.printPlan(plan, context);
    });

  program
    .command('graph')
    .description('print the stage graph as Mermaid or Graphviz dot')
    .argument('<file>', 'pipeline file')
    .addOption(
      new Option('--format <format>', 'graph language')
        .choices(['mermaid', 'dot'] as const)
        .default('mermaid' as const),
    )
    .addOption(varOption())
    .addHelpText('after', '\nExample:\n  $ rock-compose graph pipelines/build-rock-os.yaml --format dot')
    .action(async (file, opts) => {
      const pipeline = commands.withIssues(
        () => compose.loadPipeline(file, context, compose.parseVarAssignments(opts.var)),
        context,
        false,
      );
      io.out(compose.renderGraph(pipeline, opts.format as GraphFormat));
    });

  program
    .command('list')
    .description(
      'list the pipelines in DIR (default: ./pipelines if it exists, else .) with their descriptions',
    )
    .argument('[dir]', 'directory')
    .option('--json', 'print a JSON array on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-compose list pipelines')
    .action(async (dir, opts) => {
      const found = compose.listPipelines(dir, context);
      if (opts.json) return io.out(JSON.stringify(found, null, 2));
      if (found.length === 0) return io.out('no pipelines');
      for (const p of found) {
        const about = p.problem ?? p.description ?? '';
        io.out(`${p.file}  ${p.name} (${p.stages} stages)${about ? `  ${about}` : ''}`);
      }
    });

  program
    .command('schema')
    .description('write the JSON Schema of pipeline files (for editors)')
    .option('-o, --output <file>', 'file to write (default: stdout)')
    .addHelpText('after', '\nExample:\n  $ rock-compose schema -o schemas/pipeline.schema.json')
    .action(async (opts) => {
      const text = `${JSON.stringify(compose.pipelineJsonSchema(), null, 2)}\n`;
      if (opts.output === undefined) io.out(text.trimEnd());
      else await writeFileAtomic(opts.output, text);
    });

  return program;
}

function jobsValue(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError('BAD_OPTION', `--jobs: expected an integer >= 1, got '${text}'`);
  return n;
}

if (isEntryPoint(import.meta.url)) main('rock-compose', rockComposeProgram());
