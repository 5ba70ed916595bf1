#!/usr/bin/env node
import type { Command } from '@commander-js/extra-typings';
// From the files, not the barrels: each command's work loads when it runs (see verifyCommands).
import { formatScan } from '../deps/format.js';
import { ExitError } from '../errors/index.js';
import { type VerifyCommands, verifyCommands } from '../verify/commands.js';
import { formatReport } from '../verify/format.js';
import { type CommandContext, contextOf } from './context.js';
import { isEntryPoint } from './entry.js';
import type { Io } from './io.js';
import { collect, durationMs, positiveInteger } from './option-values.js';
import { printBootVerdict } from './print-boot-verdict.js';
import { toolProgram } from './program.js';
import { main } from './run.js';
import { paint } from './terminal.js';
import { keepYoungGenerationSmall } from './young-generation.js';

const EXAMPLES = `
Examples:
  $ rock-verify integration rock.img
  $ rock-verify integration rock.img --cmdline "console=ttyS0 init=/sbin/init"
  $ rock-verify integration rock.img --pub rock-sign.pub
  $ rock-verify deps rock.img
  $ rock-verify boot rock.img --kernel /boot/vmlinuz --expect "ROCK-INIT: started pid=1" --timeout 60

Exit codes: 0 passed, 1 a check failed (or the boot did not pass), 2 unusable input or usage.`;

/**
 * Builds the `rock-verify` program: flags mapped onto each command's options, the work done by
 * `commands` (the library's; tests pass recording ones), the result rendered through the context.
 */
export function rockVerifyProgram(
  where: CommandContext | Io,
  commands: VerifyCommands = verifyCommands,
): Command {
  const context = contextOf(where);
  const { io } = context;
  const program = toolProgram(
    'rock-verify',
    'Check a ROCK-OS image against the integration contract, and boot it',
    EXAMPLES,
  );

  program
    .command('integration')
    .description('check every contract item, reading the image as the kernel unpacks it (no extraction)')
    .argument('<image>', 'image file')
    .option('--cmdline <line>', 'also check that this kernel command line reaches rock-init')
    .option('--pub <file>', 'minisign public key: IMAGE.minisig must verify with it')
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (image, opts) => {
      keepYoungGenerationSmall();
      const report = await commands.integration(
        { image, cmdline: opts.cmdline, publicKey: opts.pub },
        context,
      );
      if (opts.json) io.out(JSON.stringify({ image, ...report }, null, 2));
      else {
        const text = formatReport(report, image);
        io.out(context.terminal.color ? colorVerdict(text) : text);
      }
      if (!report.passed) throw new ExitError(1);
    });

  program
    .command('deps')
    .description(
      "print the interpreter and libraries of every ELF file, resolved inside the image by the loader's rules",
    )
    .argument('<image>', 'image file')
    .option('--json', 'print the closure as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-verify deps rock.img')
    .action(async (image, opts) => {
      const result = await commands.deps({ image }, context);
      if (opts.json) io.out(JSON.stringify({ image, ...result }, null, 2));
      else io.out(formatScan(result));
      if (!result.ok) throw new ExitError(1);
    });

  program
    .command('boot')
    .description(
      'boot the image in QEMU and report a structured verdict (never hangs: killed at the timeout)',
    )
    .argument('<image>', 'image file')
    .requiredOption('--kernel <vmlinuz>', 'kernel to boot')
    .option(
      '--cmdline <line>',
      'kernel command line (default: console=ttyS0 panic=-1 init=/sbin/init rdinit=/sbin/init)',
    )
    .option(
      '--expect <text>',
      'console text that must appear, in order (repeatable)',
      collect,
      [] as string[],
    )
    .option('--timeout <seconds>', 'kill the VM after this many seconds', '60')
    .option('--memory <mb>', 'guest memory in MiB', '256')
    .option('--log <file>', 'write the serial console to this file')
    .option('--json', 'print the verdict as JSON on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (image, opts) => {
      const verdict = await commands.boot(
        {
          kernel: opts.kernel,
          image,
          cmdline: opts.cmdline,
          expect: opts.expect,
          timeoutMs: durationMs('--timeout', opts.timeout),
          memoryMb: positiveInteger('--memory', opts.memory),
          logFile: opts.log,
        },
        context,
      );
      if (opts.json) io.out(JSON.stringify(verdict, null, 2));
      else printBootVerdict(io, verdict);
      if (!verdict.passed) throw new ExitError(1);
    });

  return program;
}

function colorVerdict(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('PASSED')) return paint(line, 'green', true);
      if (line.startsWith('FAILED')) return paint(line, 'red', true);
      if (line.startsWith('warning')) return paint(line, 'yellow', true);
      return line;
    })
    .join('\n');
}

if (isEntryPoint(import.meta.url)) main('rock-verify', (context) => rockVerifyProgram(context));
