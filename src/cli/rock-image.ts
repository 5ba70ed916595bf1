#!/usr/bin/env node
import { type Command, Option } from '@commander-js/extra-typings';
// Only what the flags and help need is imported here; each command's work (and zod, yaml...) loads when it runs.
import { describeWriteCompressions, WRITE_COMPRESSIONS } from '../compression/codecs.js';
import { ExitError, InputError } from '../errors/index.js';
import { type ImageCommands, imageCommands } from '../image/commands.js';
import type { CreateImageResult, ProgressEvent } from '../image/create-image.js';
import { defaultImageName } from '../image/default-output.js';
import { IMAGE_DEFINITION_FILE } from '../image/definition/file-name.js';
import type { ListedEntry } from '../image/list-image.js';
import { escapeName } from '../util/byte-names.js';
import { formatReport } from '../verify/format.js';
import type { VerifyReport } from '../verify/types.js';
import { type CommandContext, contextOf } from './context.js';
import { isEntryPoint } from './entry.js';
import type { Io } from './io.js';
import { collect, wholeNumber } from './option-values.js';
import { toolProgram } from './program.js';
import { main } from './run.js';
import { preferStartupToPeak } from './short-run.js';
import { Progress } from './terminal.js';

const EXAMPLES = `
Examples:
  $ rock-image create --init rock-init --manager rock-manager --agent volcano-agent \\
      --busybox /bin/busybox --config-key CONFIG_KEY --node-config node.yaml -o rock.img
  $ rock-image create ... --mac "$(rock-mac allocate --device node-7 | cut -d' ' -f3)" \\
      --kernel 6.1.0-56-cloud-amd64 --modules virtio_net virtio_pci --sign rock-sign.key
  $ rock-image create ... --compress zstd -o rock.img   # kernel needs CONFIG_RD_ZSTD
  $ rock-image --mac a4:58:0f:01:00:10          # create, from ./rock-image.yaml
  $ rock-image create --file images/edge.yaml -o edge.img
  $ rock-build all && rock-image create --components build/components -o rock.img
  $ rock-image create ... --compress zstd --level 3 --threads 2   # the fast build
  $ rock-image create ... --compress lz4 -o rock.img    # kernel needs CONFIG_RD_LZ4
  $ rock-image cpio create ./rootfs        # writes image.cpio.gz
  $ rock-verify integration image.cpio.gz
  $ rock-image ls -l rock.img
  $ rock-image extract rock.img ./out

Exit codes: 0 ok, 1 the built image failed verification, 2 unusable input or usage.
Environment: SOURCE_DATE_EPOCH sets every mtime in the image (default 0); NO_COLOR disables colour.`;

const OUTPUT_HELP =
  'image to write (default image.cpio.gz; image.cpio.zst, .cpio.xz or .cpio with --compress zstd, xz, none)';

const compressOption = () =>
  new Option('--compress <codec>', `compression of the image: ${describeWriteCompressions()}`)
    .choices(WRITE_COMPRESSIONS)
    .default('gzip' as const);

const levelOption = () =>
  new Option('--level <n>', "compression level (default: the codec's, as in --compress)").argParser((v) =>
    wholeNumber('--level', v),
  );

const threadsOption = () =>
  new Option(
    '--threads <n>',
    'encoder threads for gzip and zstd (default: all cores); the image is the same for any value',
  ).argParser((v) => wholeNumber('--threads', v));

/**
 * Builds the `rock-image` program: flags mapped onto each command's options, the work done by
 * `commands` (the library's; tests pass recording ones), the result rendered through the context.
 */
export function rockImageProgram(
  where: CommandContext | Io,
  commands: ImageCommands = imageCommands,
): Command {
  const context = contextOf(where);
  const { io } = context;
  const program = toolProgram(
    'rock-image',
    'Create, list and extract ROCK-OS boot images (initramfs, cpio newc)',
    EXAMPLES,
  );

  program
    .command('create', { isDefault: true })
    .description(
      'lay the components at their contract paths, write the image atomically, verify it (the default command; ' +
        'reads rock-image.yaml when present, flags override it)',
    )
    .option(
      '-f, --file <file>',
      `image definition (default: ${IMAGE_DEFINITION_FILE} in the working directory, if any)`,
    )
    .option(
      '--components <dir>',
      'a rock-build output directory with all four (each flag below wins over it)',
    )
    .option('--init <file>', 'rock-init binary (installed as /sbin/init)')
    .option('--manager <file>', 'rock-manager binary (/usr/bin/rock-manager)')
    .option('--agent <file>', 'volcano-agent binary (/usr/bin/volcano-agent)')
    .option('--busybox <file>', 'static busybox (/bin/busybox, with /bin/sh and applet links)')
    .option('--rootfs <dir>', 'overlay directory laid into the image (repeatable)', collect, [] as string[])
    .option('--config-key <file>', 'CONFIG_KEY, placed at /config/CONFIG_KEY with mode 0400')
    .option('--node-config <file>', 'node configuration, placed at /config/node.yaml with mode 0644')
    .option(
      '--config <file:dest>',
      'config file to place under /config/ or /etc/rock/ (repeatable)',
      collect,
      [] as string[],
    )
    .option(
      '--mac <mac>',
      "write this MAC (e.g. from 'rock-mac allocate') into the node config as network.mac",
    )
    .option('--kernel <name>', 'check the image against this stored kernel (rock-kernel add) before writing')
    .option('--modules <names...>', 'kernel modules to carry at /lib/modules/<release>/ (needs --kernel)')
    .option('--sign <secret-key>', 'minisign secret key: also write IMAGE.minisig')
    .option('--no-deps', "don't add the interpreter and libraries of dynamically linked components")
    .addOption(compressOption())
    .addOption(levelOption())
    .addOption(threadsOption())
    .option('-o, --output <file>', `${OUTPUT_HELP}; a definition file's output is used when set`)
    .option('--json', 'print the result as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', EXAMPLES)
    .action(async (opts, cmd) => {
      const { loadImageDefinition, mergeImageOptions } = await import('../image/definition/index.js');
      const progress = new Progress(!opts.quiet && !opts.json);
      const fromCli = (name: string) => cmd.getOptionValueSource(name) !== 'default';
      const options = mergeImageOptions(loadImageDefinition(opts.file, context.cwd)?.options, {
        components: { init: opts.init, manager: opts.manager, agent: opts.agent, busybox: opts.busybox },
        componentsDir: opts.components,
        rootfs: opts.rootfs,
        configKey: opts.configKey,
        nodeConfig: opts.nodeConfig,
        configs: opts.config,
        mac: opts.mac,
        kernel: opts.kernel,
        modules: opts.modules,
        sign: opts.sign,
        noDeps: fromCli('deps') ? !opts.deps : undefined,
        compress: fromCli('compress') ? opts.compress : undefined,
        level: opts.level,
        threads: opts.threads,
        output: opts.output,
        onProgress: (event) => showProgress(progress, event),
        onWarning: (message) => io.err(`rock-image: warning: ${message}`),
      });
      const result = await commands
        .create(options, context)
        .catch((err: unknown) =>
          rethrowWithReport(
            err,
            io,
            Boolean(opts.json),
            options.output ?? defaultImageName(options.compress ?? 'gzip'),
          ),
        );
      progress.done();
      printCreated(io, result, Boolean(opts.json));
    });

  const cpio = program
    .command('cpio')
    .description('pack a prepared root directory')
    .addHelpText('after', '\nExample:\n  $ rock-image cpio create ./rootfs -o rock.img');
  cpio
    .command('create')
    .description(
      'pack ROOTFS as a reproducible image, adding what the contract derives and it lacks ' +
        '(directories, device nodes, /init, busybox links, libraries; not with --exact), then verify it',
    )
    .argument('<rootfs>', 'prepared root directory')
    .option('--exact', 'pack the tree as it is: add no directory, device node, link or library')
    .addOption(compressOption())
    .addOption(levelOption())
    .addOption(threadsOption())
    .option('-o, --output <file>', OUTPUT_HELP)
    .option('--json', 'print the result as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-image cpio create ./rootfs            # writes image.cpio.gz\n  $ rock-image cpio create ./rootfs --compress zstd -o rock.img',
    )
    .action(async (rootfs, opts) => {
      const progress = new Progress(!opts.quiet && !opts.json);
      const result = await commands
        .pack(
          {
            rootfs,
            output: opts.output,
            exact: opts.exact,
            onNotice: (message) => io.err(`rock-image: ${message}`),
            compress: opts.compress,
            level: opts.level,
            threads: opts.threads,
            onProgress: (event) => showProgress(progress, event),
          },
          context,
        )
        .catch((err: unknown) =>
          rethrowWithReport(err, io, Boolean(opts.json), opts.output ?? defaultImageName(opts.compress)),
        );
      progress.done();
      printCreated(io, result, Boolean(opts.json));
    });

  program
    .command('overlay')
    .description(
      "append a node's segment (config, MAC, key, files) to a verified base, without recompressing it",
    )
    .argument('<base>', 'verified base image')
    .option('-o, --output <file>', "the node's image (base + segment, or the segment with --segment-only)")
    .option('--node-config <file>', 'node configuration, placed at /config/node.yaml')
    .option('--config-key <file>', 'CONFIG_KEY, placed at /config/CONFIG_KEY with mode 0400')
    .option('--mac <mac>', 'written into the node config as network.mac')
    .option('--add <src:dst>', 'a file to add at an absolute path (repeatable)', collect, [] as string[])
    .option(
      '--fleet <file>',
      'FLEET.yaml: make every node of it (schemas/fleet.schema.json); needs --out-dir',
    )
    .option('--out-dir <dir>', 'with --fleet: where DIR/<name>.img go')
    .option('--segment-only', 'write only the segment, for loaders that concatenate initrds (GRUB, iPXE)')
    .option(
      '--no-base-cache',
      'verify the base anew: neither take its verdict from $ROCK_HOME/verified-bases/ nor keep it there',
    )
    .addOption(
      new Option('--compress <codec>', 'compression of the segment (the base keeps its own)')
        .choices(WRITE_COMPRESSIONS)
        .default('gzip' as const),
    )
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ rock-image overlay base.img -o node-7.img --node-config node-7.yaml --mac a4:58:0f:00:00:07 --config-key node-7.key
  $ rock-image overlay base.img --fleet fleet.yaml --out-dir images/
  $ rock-image overlay base.img --fleet fleet.yaml --out-dir segments/ --segment-only   # then: initrd base.img node.img

Every node image is verified before it is written (the base once, each node on the merged tree).
A base that passes is kept in $ROCK_HOME/verified-bases/ (its verdict and unpacked tree, 0600), so a
later run of the same build on the same base file checks only the nodes; --no-base-cache turns it off.
Exit codes: 0 ok, 1 the base or a node image failed verification, 2 unusable input or usage.`,
    )
    .action(async (base, opts) => {
      preferStartupToPeak();
      const nodeFlags = opts.nodeConfig ?? opts.configKey ?? opts.mac ?? opts.add[0];
      if (opts.fleet !== undefined) {
        if (opts.outDir === undefined) throw new InputError('BAD_OPTION', '--fleet: expected --out-dir too');
        if (opts.output !== undefined || nodeFlags !== undefined)
          throw new InputError(
            'BAD_OPTION',
            '--fleet: the nodes come from the fleet file: expected no -o or node flags',
          );
        const results = await commands
          .fleet(
            {
              base,
              fleet: opts.fleet,
              outDir: opts.outDir,
              segmentOnly: opts.segmentOnly,
              compress: opts.compress,
              baseCache: opts.baseCache,
              onNode: (_i, _n, r) => {
                if (!opts.json)
                  io.out(`${r.output}: ${r.bytes} bytes${r.mac ? `, mac ${r.mac}` : ''}, verified`);
              },
            },
            context,
          )
          .catch((err: unknown) => rethrowWithReport(err, io, Boolean(opts.json), opts.fleet ?? base));
        if (opts.json)
          io.out(
            JSON.stringify(
              results.map(({ verify, ...r }) => ({ ...r, verify: summary(verify) })),
              null,
              2,
            ),
          );
        return;
      }
      if (opts.output === undefined)
        throw new InputError('BAD_OPTION', 'overlay: expected -o OUTPUT (or --fleet)');
      const {
        generatedKey: _none,
        verify,
        ...result
      } = await commands
        .overlay(
          {
            base,
            output: opts.output,
            nodeConfig: opts.nodeConfig,
            configKey: opts.configKey,
            mac: opts.mac,
            add: opts.add,
            segmentOnly: opts.segmentOnly,
            compress: opts.compress,
            baseCache: opts.baseCache,
          },
          context,
        )
        .catch((err: unknown) => rethrowWithReport(err, io, Boolean(opts.json), opts.output ?? base));
      if (opts.json) io.out(JSON.stringify({ ...result, verify: summary(verify) }, null, 2));
      else io.out(`${result.output}: ${result.bytes} bytes (segment ${result.segmentBytes}), verified`);
    });

  program
    .command('ls')
    .alias('list')
    .description('list every entry of every segment (like cpio -tv), without extracting')
    .argument('<image>', 'image file')
    .option('-l, --long', 'long listing: mode, links, owner, size or device, mtime, name')
    .option('--json', 'print a JSON array on stdout (names exact: a byte that is not UTF-8 is \\udcXX)')
    .addHelpText(
      'after',
      '\nNames are printed escaped like ls -b (caf\\xe9); --json gives the exact bytes as \\udc80+byte.\n\nExamples:\n  $ rock-image ls rock.img\n  $ rock-image ls -l rock.img',
    )
    .action(async (image, opts) => {
      // Lines go out in batches: one write per line costs more than the reading (400k entries). A
      // batch of 512 dies young; one of 4096 outlived scavenges and cost 8 MB and major collections.
      let batch: string[] = [];
      const line = (text: string) => {
        batch.push(text);
        if (batch.length >= 512) {
          io.out(batch.join('\n'));
          batch = [];
        }
      };
      if (!opts.json && !opts.long) {
        await commands.listNames({ image, onName: (name) => line(escapeName(name)) }, context);
      } else {
        const { formatLong } = await import('../image/list-image.js');
        const entries: ListedEntry[] = [];
        await commands.list(
          { image, onEntry: (entry) => (opts.json ? entries.push(entry) : line(formatLong(entry))) },
          context,
        );
        if (opts.json) io.out(JSON.stringify(entries, null, 2));
      }
      if (batch.length > 0) io.out(batch.join('\n'));
    });

  program
    .command('extract')
    .description('extract an image into DIR safely (nothing outside DIR; devices only as root)')
    .argument('<image>', 'image file')
    .argument('<dir>', 'destination directory (created if missing)')
    .option('--no-devices', 'never create device nodes, fifos or sockets; record them instead')
    .option('--preserve-owners', "apply the archive's uid/gid (as root); default: everything is yours")
    .option('--preserve-setid', 'keep setuid/setgid bits; default: they are stripped')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nA missing DIR is filled in a temporary directory beside it and renamed into place: a failed\n' +
        'extract leaves nothing. Into an existing DIR, a failure says which entries were written.\n\n' +
        'Examples:\n  $ rock-image extract rock.img ./out\n  $ sudo rock-image extract --preserve-owners --preserve-setid rock.img ./rootfs',
    )
    .action(async (image, dir, opts) => {
      const warnings: string[] = [];
      const result = await commands
        .extract(
          {
            image,
            dir,
            devices: opts.devices,
            preserveOwners: opts.preserveOwners === true,
            preserveSpecialBits: opts.preserveSetid === true,
            onWarning: (w) => warnings.push(w.message),
          },
          context,
        )
        .catch(async (err: unknown) => {
          throw await withWrittenSentence(err, dir);
        });
      if (opts.json) {
        io.out(JSON.stringify({ ...result, warnings }, null, 2));
        return;
      }
      for (const w of warnings) io.err(`rock-image: warning: ${w}`);
      io.out(
        `extracted ${result.files} files, ${result.directories} directories, ${result.symlinks} symlinks, ` +
          `${result.hardlinks} hard links, ${result.devices} device nodes into ${dir}`,
      );
      if (result.skippedDevices.length > 0) {
        io.out(`not created (not root, or --no-devices): ${result.skippedDevices.length} special files:`);
        for (const d of result.skippedDevices) io.out(`  ${d.path} ${d.type} ${d.major}:${d.minor}`);
      }
    });

  return program;
}

/** A failed extract into an existing DIR: the error line also says which entries were written. */
async function withWrittenSentence(err: unknown, dir: string): Promise<unknown> {
  if (!(err instanceof InputError) || !Array.isArray(err.data.written)) return err;
  const { writtenSentence } = await import('../image/extract/index.js');
  return new InputError(
    err.code,
    `${err.message}; ${writtenSentence(dir, err.data.written as string[])}`,
    err.data,
  );
}

function showProgress(progress: Progress, event: ProgressEvent): void {
  switch (event.phase) {
    case 'collect':
      progress.step(`collected ${event.entries} entries`);
      break;
    case 'write':
      progress.update(`writing ${event.index + 1}/${event.total} ${event.name}`);
      break;
    case 'verify':
      progress.step('verifying the written image');
      break;
    case 'done':
      progress.done();
      break;
  }
}

function printCreated(io: Io, result: CreateImageResult, json: boolean): void {
  if (json) {
    io.out(JSON.stringify({ ...result, verify: summary(result.verify) }, null, 2));
    return;
  }
  io.out(
    `${result.output}: ${result.entries} entries, ${result.bytes} bytes (${result.compress}), sha256 ${result.sha256}`,
  );
  if (result.signature) io.out(`signed: ${result.signature}`);
  io.out(formatReport(result.verify, result.output));
}

function summary(report: VerifyReport) {
  return {
    passed: report.passed,
    checked: report.checked,
    failures: report.failures,
    warnings: report.warnings,
  };
}

/** A failed verification: show the report's lines (or JSON) before the one-line error. */
function rethrowWithReport(err: unknown, io: Io, json: boolean, output: string): never {
  const report = (err as { code?: string; data?: { report?: VerifyReport } }).data?.report;
  const code = (err as { code?: string }).code;
  if ((code === 'IMAGE_VERIFY_FAILED' || code === 'BASE_VERIFY_FAILED') && report) {
    if (json) {
      io.out(JSON.stringify({ error: { code, output }, verify: summary(report) }, null, 2));
      throw new ExitError(1);
    }
    io.err(formatReport(report, output));
  }
  throw err;
}

if (isEntryPoint(import.meta.url)) main('rock-image', rockImageProgram);
