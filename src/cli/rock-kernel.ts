#!/usr/bin/env node
import { type Command, Option } from '@commander-js/extra-typings';
import { COMPRESSION_NAMES } from '../compression/codecs.js';
import { ExitError, InputError } from '../errors/index.js';
import { type KernelCommands, kernelCommands } from '../kernel/commands.js';
import type { ConfigCheckReport, NetDriver, StoredKernel } from '../kernel/index.js';
import type { BootVerdict } from '../qemu/index.js';
import { type CommandContext, contextOf } from './context.js';
import { isEntryPoint } from './entry.js';
import type { Io } from './io.js';
import { collect, durationMs, positiveInteger } from './option-values.js';
import { printBootVerdict } from './print-boot-verdict.js';
import { toolProgram } from './program.js';
import { main } from './run.js';
import { Progress, paint } from './terminal.js';

const EXAMPLES = `
Examples:
  $ rock-kernel add linux-image-6.1.0-56-cloud-amd64_6.1.192-2_amd64.deb
  $ rock-kernel add /boot/vmlinuz-6.1.0-56-cloud-amd64 --name debian-cloud
  $ rock-kernel fetch https://example.org/linux-virt.apk --sha256 <64 hex digits>
  $ rock-kernel list
  $ rock-kernel check --compress zstd
  $ rock-kernel cmdline production --mac a4:58:0f:01:00:10
  $ rock-kernel modules 6.1.0-56-cloud-amd64 virtio_pci virtio_net
  $ rock-kernel boot --image rock.img --mac a4:58:0f:01:00:10 --expect "ROCK-INIT: started pid=1"

Exit codes: 0 ok, 1 a check failed (missing kernel options, checksum mismatch, boot not passed),
2 unusable input or usage.
Files: kernels live in $ROCK_HOME/kernels/<name>/ (default ~/.rock); command line modes in
$ROCK_HOME/cmdline.yaml. NO_COLOR disables colour.`;

const NETS = ['virtio', 'e1000', 'none'] as const;

/**
 * Builds the `rock-kernel` program: flags mapped onto each command's options, the work done by
 * `commands` (the library's; tests pass recording ones), the result rendered through the context.
 */
export function rockKernelProgram(
  where: CommandContext | Io,
  commands: KernelCommands = kernelCommands,
): Command {
  const context = contextOf(where);
  const { io } = context;
  const color = context.terminal.color;
  const program = toolProgram(
    'rock-kernel',
    'Store kernels, check that they can boot ROCK-OS images, build command lines and boot',
    EXAMPLES,
  );

  program
    .command('add')
    .description('add a kernel: a bzImage/vmlinuz, a Debian linux-image .deb or an Alpine .apk')
    .argument('<source>', 'kernel file or package')
    .option('--name <name>', 'store it under this name (default: the kernel release)')
    .option('--force', 'replace a stored kernel of the same name')
    .option('--config <file>', 'for a bare vmlinuz: its config (default: config-<suffix> beside it)')
    .option('--system-map <file>', 'for a bare vmlinuz: its System.map (default: beside it)')
    .option('--modules <dir>', 'for a bare vmlinuz: its /lib/modules/<release> directory')
    .option('--json', 'print the stored kernel as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-kernel add linux-image-6.1.0-56-cloud-amd64_6.1.192-2_amd64.deb\n  $ rock-kernel add /boot/vmlinuz-$(uname -r) --modules /lib/modules/$(uname -r)',
    )
    .action(async (source, opts) => {
      const progress = new Progress(!opts.quiet && !opts.json);
      const kernel = await commands.add(
        {
          source,
          name: opts.name,
          force: opts.force,
          config: opts.config,
          systemMap: opts.systemMap,
          modules: opts.modules,
          onStep: (text) => progress.step(text),
        },
        context,
      );
      progress.done();
      printStored(io, kernel, Boolean(opts.json), 'added');
    });

  program
    .command('fetch')
    .description('download a kernel package or image, verify its sha256 (mandatory), then add it')
    .argument('<url>', 'http:// or https:// URL')
    .requiredOption('--sha256 <hex>', 'expected sha256 of the download')
    .option('--name <name>', 'store it under this name (default: the kernel release)')
    .option('--force', 'replace a stored kernel of the same name')
    .option('--json', 'print the stored kernel as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nExample:\n  $ rock-kernel fetch https://deb.debian.org/.../linux-image-6.1.0-56-cloud-amd64_6.1.192-2_amd64.deb --sha256 e7d0...',
    )
    .action(async (url, opts) => {
      const progress = new Progress(!opts.quiet && !opts.json);
      let lastStep = -1;
      const kernel = await commands.fetch(
        {
          url,
          sha256: opts.sha256,
          name: opts.name,
          force: opts.force,
          onStep: (text) => progress.step(text),
          onProgress: (received, total) => {
            const mib = (received / 1048576).toFixed(1);
            const pct = total ? Math.floor((received * 100) / total) : undefined;
            progress.update(
              pct === undefined ? `downloading ${mib} MiB` : `downloading ${mib} MiB ${bar(pct)} ${pct}%`,
            );
            // On a log (not a terminal) one line per quarter is enough.
            const quarter = pct === undefined ? -1 : Math.floor(pct / 25);
            if (quarter > lastStep) {
              lastStep = quarter;
              if (!context.terminal.stderrIsTTY) progress.step(`downloaded ${mib} MiB (${pct}%)`);
            }
          },
        },
        context,
      );
      progress.done();
      printStored(io, kernel, Boolean(opts.json), 'added');
    });

  program
    .command('list')
    .alias('ls')
    .description('list stored kernels (* marks the default)')
    .option('--json', 'print a JSON array on stdout')
    .addHelpText('after', '\nExamples:\n  $ rock-kernel list\n  $ rock-kernel list --json')
    .action(async (opts) => {
      const { refuseCorrupt } = await import('../kernel/store.js');
      const store = await commands.list({}, context);
      const kernels = store.kernels;
      if (opts.json) {
        refuseCorrupt(store);
        io.out(JSON.stringify(kernels, null, 2));
        return;
      }
      if (kernels.length === 0 && store.corrupt.length === 0) {
        io.out('no kernels stored (rock-kernel add FILE)');
        return;
      }
      for (const k of kernels) {
        const modules = k.meta.moduleCount > 0 ? `${k.meta.moduleCount} modules` : 'no modules';
        io.out(
          `${k.isDefault ? '*' : ' '} ${k.meta.name}  ${k.meta.release}  ${k.meta.source.kind}  ${k.meta.hasConfig ? 'config' : 'no config'}  ${modules}`,
        );
      }
      // A corrupt entry is never hidden: the good ones are listed, then it is the error.
      refuseCorrupt(store);
    });

  program
    .command('show')
    .description('show a stored kernel (default: the default kernel)')
    .argument('[version]', 'stored kernel name')
    .option('--json', 'print it as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-kernel show\n  $ rock-kernel show 6.1.0-56-cloud-amd64 --json',
    )
    .action(async (version, opts) =>
      printStored(io, await commands.show({ name: version }, context), Boolean(opts.json), 'show'),
    );

  program
    .command('remove')
    .alias('rm')
    .description('remove a stored kernel')
    .argument('<version>', 'stored kernel name')
    .option('--json', 'print the removed kernel as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-kernel remove debian-cloud')
    .action(async (version, opts) => {
      const removed = await commands.remove({ name: version }, context);
      if (opts.json)
        io.out(JSON.stringify({ removed: removed.meta.name, wasDefault: removed.isDefault }, null, 2));
      else
        io.out(
          `removed ${removed.meta.name}${removed.isDefault ? ' (it was the default; none is set now)' : ''}`,
        );
    });

  program
    .command('default')
    .description('print the default kernel, or set it')
    .argument('[version]', 'stored kernel name to make the default')
    .option('--json', 'print JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-kernel default\n  $ rock-kernel default 6.1.0-56-cloud-amd64',
    )
    .action(async (version, opts) => {
      const { default: name } = await commands.default({ name: version }, context);
      if (opts.json) io.out(JSON.stringify({ default: name ?? null }));
      else if (name === undefined)
        throw new InputError('KERNEL_NO_DEFAULT', 'no default kernel set (rock-kernel default NAME)');
      else io.out(name);
    });

  program
    .command('check')
    .description("check the kernel's config for every option a ROCK-OS boot needs")
    .argument('[version]', 'stored kernel name (default: the default kernel)')
    .addOption(
      new Option('--compress <codec>', 'compression of the image to boot')
        .choices(COMPRESSION_NAMES)
        .default('gzip' as const),
    )
    .addOption(
      new Option('--net <driver>', 'network device of the boot').choices(NETS).default('virtio' as const),
    )
    .option('--script-init', 'the init is a #! script: BINFMT_SCRIPT is needed too')
    .option(
      '--image-modules <names...>',
      'check as for an image carrying these modules (=m drivers must be among them)',
    )
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-kernel check\n  $ rock-kernel check 6.1.0-56-cloud-amd64 --compress zstd',
    )
    .action(async (version, opts) => {
      const report = await commands.check(
        {
          kernel: version,
          compress: opts.compress,
          net: opts.net as NetDriver,
          scriptInit: opts.scriptInit,
          imageModules: opts.imageModules,
        },
        context,
      );
      if (opts.json) io.out(JSON.stringify(report, null, 2));
      else printCheck(io, report, color);
      if (!report.passed) throw new ExitError(1);
    });

  program
    .command('cmdline')
    .description('print a kernel command line: debug, production, or a mode from cmdline.yaml')
    .argument('[mode]', 'debug (default), production, or a user mode')
    .option('--append <params>', 'extra parameters, appended last (repeatable)', collect, [] as string[])
    .option('--mac <mac>', "MAC of the boot's network device (BOOTIF=01-...)")
    .option('--config <file>', 'modes file (default $ROCK_HOME/cmdline.yaml)')
    .option('--json', 'print {"mode","cmdline"} on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-kernel cmdline\n  $ rock-kernel cmdline production --mac a4:58:0f:01:00:10 --append "loglevel=4"',
    )
    .action(async (mode, opts) => {
      const line = await commands.cmdline(
        { mode, append: opts.append, mac: opts.mac, configFile: opts.config },
        context,
      );
      io.out(opts.json ? JSON.stringify({ mode: mode ?? 'debug', cmdline: line }) : line);
    });

  program
    .command('modules')
    .description('list the module files NAMEs need (their modules.dep closure, dependencies first)')
    .argument('<version>', 'stored kernel name')
    .argument('<names...>', 'module names (virtio_net, virtio-net and virtio_net.ko are the same)')
    .option('--json', 'print the closure as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-kernel modules 6.1.0-56-cloud-amd64 virtio_pci virtio_net')
    .action(async (version, names, opts) => {
      const closure = await commands.modules({ kernel: version, names }, context);
      if (opts.json) {
        io.out(JSON.stringify(closure, null, 2));
        return;
      }
      for (const m of closure.modules) io.out(`lib/modules/${closure.release}/${m.path}`);
      for (const b of closure.builtin) io.out(`# ${b}: built into the kernel, nothing to load`);
    });

  program
    .command('boot')
    .description('boot an image with a stored kernel in QEMU (same runner as rock-verify boot)')
    .argument('[version]', 'stored kernel name (default: the default kernel)')
    .requiredOption('--image <file>', 'initramfs image')
    .option('--mac <mac>', 'give the VM a virtio-net NIC with this MAC (user-mode networking)')
    .option('--memory <mb>', 'guest memory in MiB', '256')
    .option(
      '--expect <text>',
      'console text that must appear, in order (repeatable)',
      collect,
      [] as string[],
    )
    .option('--timeout <seconds>', 'kill the VM after this many seconds', '60')
    .option('--mode <mode>', 'command line mode', 'debug')
    .option('--append <params>', 'extra command line parameters (repeatable)', collect, [] as string[])
    .option('--cmdline <line>', 'the whole command line instead of --mode/--append')
    .option('--log <file>', 'write the serial console to this file')
    .addOption(
      new Option('--accel <accel>', 'accelerator')
        .choices(['auto', 'kvm', 'tcg'] as const)
        .default('auto' as const),
    )
    .option('--json', 'print the verdict as JSON on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ rock-kernel boot --image rock.img --mac a4:58:0f:01:00:10 --expect "ROCK-INIT: started pid=1" --timeout 60',
    )
    .action(async (version, opts) => {
      const verdict = await commands.boot(
        {
          kernel: version,
          image: opts.image,
          mac: opts.mac,
          mode: opts.mode,
          append: opts.append,
          cmdline: opts.cmdline,
          expect: opts.expect,
          timeoutMs: durationMs('--timeout', opts.timeout),
          memoryMb: positiveInteger('--memory', opts.memory),
          logFile: opts.log,
          accel: opts.accel,
        },
        context,
      );
      if (opts.json) io.out(JSON.stringify(verdict, null, 2));
      else printVerdict(io, verdict);
      if (!verdict.passed) throw new ExitError(1);
    });

  return program;
}

function printStored(io: Io, k: StoredKernel, json: boolean, verb: 'added' | 'show'): void {
  if (json) {
    io.out(JSON.stringify(k, null, 2));
    return;
  }
  if (verb === 'added')
    io.out(`added ${k.meta.name} (${k.meta.release}) to ${k.dir}${k.isDefault ? ' [default]' : ''}`);
  else io.out(`${k.meta.name}${k.isDefault ? ' [default]' : ''}`);
  io.out(`  version   ${k.meta.versionString}`);
  io.out(`  protocol  ${k.meta.protocol}`);
  io.out(`  vmlinuz   ${k.vmlinuz} (${k.meta.vmlinuzBytes} bytes, sha256 ${k.meta.vmlinuzSha256})`);
  io.out(`  config    ${k.config ?? 'none'}`);
  io.out(`  System.map ${k.systemMap ?? 'none'}`);
  const generated = k.meta.modulesDepGenerated ? ', modules.dep written from .modinfo' : '';
  io.out(`  modules   ${k.modulesDir ? `${k.meta.moduleCount} in ${k.modulesDir}${generated}` : 'none'}`);
  io.out(`  source    ${k.meta.source.kind} ${k.meta.source.origin} (sha256 ${k.meta.source.sha256})`);
  for (const s of k.meta.skipped) io.out(`  skipped   ${s}`);
}

function printCheck(io: Io, report: ConfigCheckReport & { kernel: string }, color: boolean): void {
  io.out(`kernel ${report.kernel}: ${report.compress} image, ${report.net} network`);
  for (const item of report.items) {
    const value = item.value === null ? 'not set' : `=${item.value}`;
    const status =
      item.status === 'ok'
        ? paint('ok     ', 'green', color)
        : item.status === 'module'
          ? paint('module ', 'yellow', color)
          : paint('MISSING', 'red', color);
    const note = item.status === 'module' ? ` (module ${item.module} must go into the image)` : '';
    io.out(
      `  ${status} CONFIG_${item.option}${value === 'not set' ? ' not set' : value}: ${item.why}${note}`,
    );
  }
  if (report.passed) {
    const modules =
      report.modulesNeeded.length > 0 ? `; image needs --modules ${report.modulesNeeded.join(' ')}` : '';
    io.out(paint(`PASSED: every option is set${modules}`, 'green', color));
  } else {
    io.out(paint(`FAILED: missing ${report.missing.map((m) => `CONFIG_${m}`).join(', ')}`, 'red', color));
  }
}

function printVerdict(io: Io, verdict: BootVerdict & { kernel: string }): void {
  io.out(`kernel ${verdict.kernel}, cmdline: ${verdict.cmdline}`);
  printBootVerdict(io, verdict);
}

function bar(pct: number): string {
  const filled = Math.round(pct / 5);
  return `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}]`;
}

if (isEntryPoint(import.meta.url)) main('rock-kernel', (context) => rockKernelProgram(context));
