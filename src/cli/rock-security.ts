#!/usr/bin/env node
import { type Command, Option } from '@commander-js/extra-typings';
import { ExitError } from '../errors/index.js';
import type { SecurityCommands } from '../security/commands.js';
import { formatDigest, HASH_ALGORITHMS, type HashAlgorithm } from '../security/hash.js';
import { isExposed } from '../security/key-file.js';
import { CONFIG_KEY_NAME as KEY_NAME } from '../security/key-names.js';
import { type CommandContext, contextOf } from './context.js';
import { isEntryPoint } from './entry.js';
import type { Io } from './io.js';
import { lazyCommands } from './lazy-commands.js';
import { collect } from './option-values.js';
import { toolProgram } from './program.js';
import { main } from './run.js';

/** The library's commands, imported when one first runs: --help and usage errors load none of them. */
const libraryCommands = lazyCommands(() => import('../security/commands.js').then((m) => m.securityCommands));

const EXAMPLES = `
Examples:
  $ rock-security keygen -o ${KEY_NAME}
  $ rock-security encrypt node.yaml -o node.yaml.enc --key ${KEY_NAME}
  $ rock-security decrypt node.yaml.enc -o node.yaml --key ${KEY_NAME}
  $ rock-security keygen --sign -o rock-sign.key           # also writes rock-sign.pub
  $ rock-security sign rock.img --key rock-sign.key         # writes rock.img.minisig
  $ rock-security verify rock.img --pub rock-sign.pub       # or: minisign -V -p rock-sign.pub -m rock.img
  $ rock-security hash --algo sha512 rock.img
  $ rock-security check ./rootfs        # or an image: rock-security check rock.img
  $ rock-security rotate --key rootfs/config/${KEY_NAME} --dir rootfs/config --dir rootfs/etc/rock

Keys are only ever read from and written to files: never on the command line, never printed.
Exit codes: 0 ok, 1 a check or verification failed, 2 unusable input or usage.`;

/**
 * Builds the `rock-security` program: flags mapped onto each command's options, the work done by
 * `commands` (the library's; tests pass recording ones), the result rendered through the context.
 */
export function rockSecurityProgram(
  where: CommandContext | Io,
  commands: SecurityCommands = libraryCommands,
): Command {
  const context = contextOf(where);
  const { io } = context;
  const program = toolProgram(
    'rock-security',
    'Keys, encryption and signatures for ROCK-OS images and their configuration',
    EXAMPLES,
  );

  const warnKey = (key: string, perm: number): void => {
    if (isExposed(perm)) {
      io.err(
        `rock-security: warning: ${key}: mode 0${perm.toString(8)} lets group or others read the key (chmod 600 ${key})`,
      );
    }
  };

  program
    .command('keygen')
    .description(
      'write a new CONFIG_KEY (32 random bytes, base64, mode 0600), or with --sign a minisign key pair',
    )
    .option('-o, --output <file>', `key file to write (default ${KEY_NAME}, or rock-sign.key with --sign)`)
    .addOption(new Option('--out <file>', 'the older spelling of --output').hideHelp())
    .option('--sign', 'make an Ed25519 signing key pair in minisign format instead')
    .option('--pub <file>', 'with --sign: public key file (default: --output with .pub instead of .key)')
    .option('--force', 'replace an existing key; the old one is kept as <file>.bak-<time>')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-security keygen -o CONFIG_KEY\n  $ rock-security keygen --sign -o rock-sign.key',
    )
    .action(async (opts) => {
      if (opts.sign) {
        const result = await commands.keygenSigning(
          { output: opts.output ?? opts.out, pub: opts.pub, force: opts.force },
          context,
        );
        if (opts.json) io.out(JSON.stringify(result, null, 2));
        else {
          io.out(`${result.secretKey}: minisign secret key ${result.keyId} (unencrypted, mode 0600)`);
          io.out(`${result.publicKey}: public key`);
          if (result.backup) io.out(`previous secret key kept as ${result.backup}`);
        }
        return;
      }
      const result = await commands.keygen({ output: opts.output ?? opts.out, force: opts.force }, context);
      if (opts.json) io.out(JSON.stringify(result, null, 2));
      else {
        io.out(`${result.path}: new config key (32 bytes, mode 0600)`);
        if (result.backup) io.out(`previous key kept as ${result.backup}`);
      }
    });

  for (const direction of ['encrypt', 'decrypt'] as const) {
    program
      .command(direction)
      .description(
        direction === 'encrypt'
          ? 'encrypt a file with AES-256-GCM into the ROCKENC envelope (streaming)'
          : 'decrypt an envelope; nothing is written unless it authenticates',
      )
      .argument('<input>', direction === 'encrypt' ? 'file to encrypt' : 'envelope to decrypt')
      .requiredOption('-o, --output <file>', 'file to write (atomically)')
      .requiredOption('--key <file>', 'CONFIG_KEY file')
      .option('--json', 'print the result as JSON on stdout')
      .addHelpText(
        'after',
        `\nExample:\n  $ rock-security ${direction} node.yaml${direction === 'encrypt' ? '' : '.enc'} -o out --key CONFIG_KEY`,
      )
      .action(async (input, opts) => {
        const result = await commands[direction]({ input, output: opts.output, key: opts.key }, context);
        warnKey(opts.key, result.keyPerm);
        if (opts.json) io.out(JSON.stringify(result, null, 2));
        else io.out(`${result.output}: ${direction}ed ${result.bytesIn} bytes into ${result.bytesOut}`);
      });
  }

  program
    .command('sign')
    .description("sign a file with a minisign secret key (writes FILE.minisig; minisign's prehashed format)")
    .argument('<file>', 'file to sign')
    .requiredOption('--key <file>', 'minisign secret key (unencrypted)')
    .option('-x, --signature <file>', 'signature file to write (default FILE.minisig)')
    .option('--legacy', "sign the raw file ('Ed', minisign -l) instead of its BLAKE2b-512")
    .option('-t, --trusted-comment <text>', 'trusted (signed) comment')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ rock-security sign rock.img --key rock-sign.key\nSOURCE_DATE_EPOCH sets the timestamp of the default trusted comment.',
    )
    .action(async (file, opts) => {
      const result = await commands.sign(
        {
          file,
          key: opts.key,
          signature: opts.signature,
          legacy: opts.legacy,
          trustedComment: opts.trustedComment,
        },
        context,
      );
      if (opts.json) io.out(JSON.stringify(result, null, 2));
      else io.out(`${result.signatureFile}: signed ${result.file} with key ${result.keyId}`);
    });

  program
    .command('verify')
    .description('verify a minisign signature (ours or minisign’s), including its trusted comment')
    .argument('<file>', 'signed file')
    .requiredOption('--pub <file>', 'minisign public key')
    .option('-x, --signature <file>', 'signature file (default FILE.minisig)')
    .option('--require-prehashed', 'refuse legacy signatures (like minisign -H)')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-security verify rock.img --pub rock-sign.pub')
    .action(async (file, opts) => {
      const result = await commands.verify(
        { file, pub: opts.pub, signature: opts.signature, requirePrehashed: opts.requirePrehashed },
        context,
      );
      if (opts.json) io.out(JSON.stringify({ verified: true, ...result }, null, 2));
      else
        io.out(
          `${file}: signature verified (key ${result.keyId})\ntrusted comment: ${result.trustedComment}`,
        );
    });

  program
    .command('hash')
    .description('print the digests of files, in sha256sum/sha512sum format')
    .argument('<files...>', 'files to hash')
    .addOption(new Option('--algo <name>', 'digest').choices(HASH_ALGORITHMS).default('sha256' as const))
    .option('--json', 'print a JSON array on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-security hash rock.img\n  $ rock-security hash --algo sha512 rock.img | sha512sum -c',
    )
    .action(async (files, opts) => {
      const digests = await commands.hash({ files, algo: opts.algo as HashAlgorithm }, context);
      if (opts.json) io.out(JSON.stringify(digests, null, 2));
      else for (const d of digests) io.out(formatDigest(d));
    });

  program
    .command('check')
    .description("check key files' modes and sizes in a directory or inside an image (never prints keys)")
    .argument('[target]', 'directory or image', '.')
    .option('--strict', 'treat a group- or world-readable key as an error, as rock-verify does')
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ rock-security check ./rootfs\n  $ rock-security check rock.img')
    .action(async (target, opts) => {
      const report = await commands.check({ target, strict: opts.strict }, context);
      if (opts.json) io.out(JSON.stringify(report, null, 2));
      else io.out((await import('../security/check.js')).formatKeyReport(report));
      if (!report.passed) throw new ExitError(1);
    });

  program
    .command('rotate')
    .description(
      'replace the key and re-encrypt every envelope under it; all or nothing, old key kept as a backup',
    )
    .requiredOption('--key <file>', 'CONFIG_KEY file to rotate')
    .option(
      '--dir <dir>',
      'directory searched for envelopes (repeatable; default the key’s directory)',
      collect,
      [] as string[],
    )
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ rock-security rotate --key rootfs/config/CONFIG_KEY --dir rootfs/config --dir rootfs/etc/rock',
    )
    .action(async (opts) => {
      const result = await commands.rotate(
        { key: opts.key, dirs: opts.dir.length > 0 ? opts.dir : undefined },
        context,
      );
      if (opts.json) io.out(JSON.stringify(result, null, 2));
      else {
        io.out(`${result.key}: new key; the old one is kept as ${result.backup}`);
        io.out(`re-encrypted ${result.reencrypted.length} files${result.reencrypted.length > 0 ? ':' : ''}`);
        for (const f of result.reencrypted) io.out(`  ${f}`);
      }
    });

  return program;
}

if (isEntryPoint(import.meta.url)) main('rock-security', (context) => rockSecurityProgram(context));
