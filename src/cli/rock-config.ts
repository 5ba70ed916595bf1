#!/usr/bin/env node
import { type Command, Option } from '@commander-js/extra-typings';
import type { ConfigCommands } from '../config/commands.js';
import type { ConfigIssue } from '../config/parse.js';
import { CONFIG_KEY_PATH, NODE_CONFIG_PATH } from '../contract/paths.js';
import { CheckError, ExitError } from '../errors/index.js';
import { formatYamlIssue } from '../yaml/types.js';
import { type CommandContext, contextOf } from './context.js';
import { isEntryPoint } from './entry.js';
import type { Io } from './io.js';
import { lazyCommands } from './lazy-commands.js';
import { toolProgram } from './program.js';
import { main } from './run.js';

/** The library's commands, imported when one first runs: --help and usage errors load none of them. */
const libraryCommands = lazyCommands(() => import('../config/commands.js').then((m) => m.configCommands));

const EXAMPLES = `
Examples:
  $ rock-config init                       # commented starter node.yaml
  $ rock-config generate --node-id edge-7 --mac 52:54:00:12:34:56 -o node.yaml
  $ rock-config validate node.yaml
  $ rock-config merge base.yaml site.yaml node-7.yaml -o node.yaml
  $ rock-config show node.yaml             # secrets redacted
  $ rock-config encrypt node.yaml -o node.yaml.enc --key CONFIG_KEY
  $ rock-config schema -o schemas/node.schema.json

rock-init reads ${NODE_CONFIG_PATH} and the key ${CONFIG_KEY_PATH}.
Exit codes: 0 ok, 1 a config is invalid, 2 unusable input or usage.`;

/**
 * Builds the `rock-config` program: flags mapped onto each command's options, the work done by
 * `commands` (the library's; tests pass recording ones), the result rendered through the context.
 */
export function rockConfigProgram(
  where: CommandContext | Io,
  commands: ConfigCommands = libraryCommands,
): Command {
  const context = contextOf(where);
  const { io } = context;
  const program = toolProgram(
    'rock-config',
    'Write, check, merge and encrypt ROCK-OS node configurations (node.yaml)',
    EXAMPLES,
  );

  const printIssues = (source: string, errors: ConfigIssue[]): void => {
    for (const e of errors) io.out(formatYamlIssue(source, e));
  };

  program
    .command('init')
    .description('write a commented starter node.yaml that validates as it is')
    .option('-o, --output <file>', "file to write ('-' for stdout)", 'node.yaml')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExample:\n  $ rock-config init -o node.yaml')
    .action(async (opts) => {
      const { text, output } = await commands.init(
        { output: opts.output === '-' ? undefined : opts.output, force: opts.force },
        context,
      );
      if (output === undefined) io.out(text);
      else
        io.out(
          `${output}: starter node configuration written; edit it, then: rock-config validate ${output}`,
        );
    });

  program
    .command('generate')
    .description("write one node's node.yaml from the starter and a few values")
    .requiredOption('--node-id <id>', 'node id (lower-case letters, digits, -)')
    .option('--mac <mac>', 'hardware address of the interface')
    .option('--hostname <name>', 'hostname (default: the node id)')
    .addOption(new Option('--role <role>', 'node role').choices(['master', 'worker', 'edge'] as const))
    .option('--interface <name>', 'network interface (default eth0)')
    .option('--server-url <url>', 'Volcano server URL')
    .option('-o, --output <file>', 'file to write (default: stdout)')
    .addHelpText(
      'after',
      '\nExample:\n  $ rock-config generate --node-id edge-7 --mac 52:54:00:12:34:56 -o node.yaml',
    )
    .action(async (opts) => {
      const { text, output } = await commands.generate(
        {
          nodeId: opts.nodeId,
          mac: opts.mac,
          hostname: opts.hostname,
          role: opts.role,
          interface: opts.interface,
          serverUrl: opts.serverUrl,
          output: opts.output,
        },
        context,
      );
      if (output === undefined) io.out(text);
      else io.out(`${output}: node configuration for ${opts.nodeId}`);
    });

  program
    .command('validate')
    .description(
      'check node.yaml files against the schema: every error with line:column, field and expectation',
    )
    .argument('<files...>', 'node configuration files (encrypted ones need --key)')
    .option('--key <file>', 'CONFIG_KEY, to validate encrypted configs')
    .option('--json', 'print the results as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-config validate node.yaml other.yaml')
    .action(async (files, opts) => {
      const results = await commands.validate({ files, key: opts.key }, context);
      if (opts.json) {
        io.out(
          JSON.stringify(
            results.map((r) => ({
              file: r.source,
              encrypted: r.encrypted,
              valid: r.result.ok,
              errors: r.result.ok ? [] : r.result.errors,
            })),
            null,
            2,
          ),
        );
      } else {
        for (const r of results) {
          if (r.result.ok) io.out(`${r.source}: valid`);
          else printIssues(r.source, r.result.errors);
        }
      }
      if (results.some((r) => !r.result.ok)) throw new ExitError(1);
    });

  program
    .command('merge')
    .description(
      'deep-merge overrides onto a base (mappings merge, lists replace, null removes), then validate',
    )
    .argument('<base>', 'base node.yaml')
    .argument('<overrides...>', 'override files, applied in order')
    .option(
      '-o, --output <file>',
      'file to write (default: stdout); nothing is written when the result is invalid',
    )
    .option('--key <file>', 'CONFIG_KEY, for encrypted inputs')
    .addHelpText('after', '\nExample:\n  $ rock-config merge base.yaml site.yaml -o node.yaml')
    .action(async (base, overrides, opts) => {
      const result = await commands.merge({ base, overrides, output: opts.output, key: opts.key }, context);
      if (!result.validation.ok) {
        for (const e of result.validation.errors) io.err(formatYamlIssue('merged', e));
        throw new CheckError(
          'CONFIG_INVALID',
          `merge: the merged configuration is invalid (${result.validation.errors.length} errors)`,
        );
      }
      if (result.output === undefined) io.out(result.text);
      else io.out(`${result.output}: merged ${1 + overrides.length} files`);
    });

  program
    .command('show')
    .description('print a config with secrets (token, password, ...) redacted')
    .argument('<file>', 'node configuration (encrypted needs --key)')
    .option('--key <file>', 'CONFIG_KEY, to show an encrypted config (decrypted in memory only)')
    .addHelpText('after', '\nExample:\n  $ rock-config show node.yaml.enc --key CONFIG_KEY')
    .action(async (file, opts) => {
      io.out(await commands.show({ file, key: opts.key }, context));
    });

  program
    .command('encrypt')
    .description('validate, then encrypt a config with the shared envelope (as rock-security encrypt)')
    .argument('<input>', 'node configuration')
    .requiredOption('-o, --output <file>', 'envelope to write')
    .requiredOption('--key <file>', 'CONFIG_KEY file')
    .option('--no-validate', 'encrypt even if the config does not validate')
    .addHelpText('after', '\nExample:\n  $ rock-config encrypt node.yaml -o node.yaml.enc --key CONFIG_KEY')
    .action(async (input, opts) => {
      const result = await commands.encrypt(
        { input, output: opts.output, key: opts.key, validate: opts.validate },
        context,
      );
      io.out(`${result.output}: encrypted ${result.bytesIn} bytes`);
    });

  program
    .command('decrypt')
    .description('decrypt a config envelope (written only if it authenticates), then validate it')
    .argument('<input>', 'envelope')
    .requiredOption('-o, --output <file>', 'file to write (mode 0600)')
    .requiredOption('--key <file>', 'CONFIG_KEY file')
    .addHelpText('after', '\nExample:\n  $ rock-config decrypt node.yaml.enc -o node.yaml --key CONFIG_KEY')
    .action(async (input, opts) => {
      const result = await commands.decrypt({ input, output: opts.output, key: opts.key }, context);
      io.out(`${result.output}: decrypted ${result.bytesOut} bytes`);
      if (!result.validation.ok) {
        printIssues(result.output, result.validation.errors);
        throw new ExitError(1);
      }
    });

  program
    .command('schema')
    .description('print the JSON Schema of node.yaml (for editors)')
    .option('-o, --output <file>', 'file to write (default: stdout)')
    .addHelpText('after', '\nExample:\n  $ rock-config schema -o schemas/node.schema.json')
    .action(async (opts) => {
      const { text, output } = await commands.schema({ output: opts.output }, context);
      if (output === undefined) io.out(text);
      else io.out(`${output}: JSON Schema written`);
    });

  return program;
}

if (isEntryPoint(import.meta.url)) main('rock-config', (context) => rockConfigProgram(context));
