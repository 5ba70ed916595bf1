#!/usr/bin/env node
import type { Command } from '@commander-js/extra-typings';
import { formatEntry, formatPrune, formatStats, formatVerify } from '../cache/format.js';
import type { ArtifactCache, OpenCacheOptions } from '../cache/index.js';
import { CheckError, ExitError, InputError } from '../errors/index.js';
import { type CommandContext, processContext } from './context.js';
import { isEntryPoint } from './entry.js';
import { age, size } from './option-values.js';
import { toolProgram } from './program.js';
import { main } from './run.js';

const EXAMPLES = `
Examples:
  $ rock-cache put rock-init@1.4.2 out/rock-init
  $ rock-cache get rock-init@1.4.2 build/rock-init     # exit 1 on a miss
  $ rock-cache has rock-init@1.4.2 && echo cached
  $ rock-cache list --json
  $ rock-cache prune --max-size 2G
  $ rock-cache prune --older-than 7d
  $ rock-cache export cache.tar && rock-cache --dir /other/cache import cache.tar
  $ rock-cache --remote oci://registry.example:5000/rock-cache get rock-init@1.4.2 out/rock-init
  $ ROCK_CACHE_REMOTE=oci://127.0.0.1:5000/ci rock-cache --remote-required put rock-init@1.4.2 out/rock-init

Keys: 1-256 characters from A-Z a-z 0-9 . _ - + = : @ / (not starting with - or /).
Store: --dir, else $ROCK_CACHE_DIR, else $ROCK_HOME/cache (default ~/.rock/cache).
Remote: a local miss asks the registry and fills the local store; put also pushes. A registry that is
down is a warning (a local hit still serves; a miss stays a miss) unless --remote-required.
Credentials: $DOCKER_CONFIG/config.json or ~/.docker/config.json (rock-registry login HOST).
Config: $ROCK_HOME/cache.yaml with keys remote, remoteRequired, insecure.
Exit codes: 0 ok, 1 a miss (get, has, rm) or damage found (verify), 2 unusable input or usage.`;

interface GlobalFlags {
  dir?: string;
  remote?: string | boolean;
  remoteRequired?: boolean;
  insecure?: boolean;
}

/** The library's options from the global flags and the context (the environment comes from the context). */
export function cacheOptions(flags: GlobalFlags, context: CommandContext): OpenCacheOptions {
  return {
    dir: flags.dir,
    // commander: `--no-remote` gives false, `--remote X` the string, neither leaves it undefined.
    remote: flags.remote === true ? undefined : flags.remote,
    remoteRequired: flags.remoteRequired,
    insecure: flags.insecure,
    env: context.env,
    home: context.home,
    cwd: context.cwd,
    warn: (message) => context.io.err(`rock-cache: warning: ${message}`),
  };
}

function octalMode(value: string): number {
  if (!/^0?[0-7]{1,3}$/.test(value))
    throw new InputError('BAD_OPTION', `--mode: expected octal permission bits like 755, got '${value}'`);
  return Number.parseInt(value, 8);
}

function example(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;
}

/** Builds the `rock-cache` program over `context` (tests pass their own). */
export function rockCacheProgram(context: CommandContext = processContext()): Command {
  const { io } = context;
  const program = toolProgram(
    'rock-cache',
    'A content-addressed cache of build artifacts (components, kernels, images) under keys',
    EXAMPLES,
  )
    .option('--dir <dir>', 'the store directory (default $ROCK_CACHE_DIR or $ROCK_HOME/cache)')
    .option(
      '--remote <oci-ref>',
      'OCI registry behind the cache, oci://HOST[:PORT]/REPO (default $ROCK_CACHE_REMOTE or remote in $ROCK_HOME/cache.yaml)',
    )
    .option('--no-remote', 'ignore any configured remote')
    .option('--remote-required', 'remote failures are errors (CI that must publish), not warnings')
    .option('--insecure', 'plain http to a remote that is not loopback');

  // The cache's modules (its remote, yaml config...) load when a command opens it, not for --help.
  const cache = async (): Promise<ArtifactCache> =>
    (await import('../cache/open-cache.js')).openCache(cacheOptions(program.opts(), context));
  const print = (json: boolean | undefined, value: unknown, text: string): void => {
    io.out(json ? JSON.stringify(value, null, 2) : text);
  };

  program
    .command('put')
    .description('store FILE under KEY (its content once, however many keys name it)')
    .argument('<key>', 'cache key')
    .argument('<file>', 'file to store')
    .option('--mode <octal>', 'permission bits restored by get (default: the mode of FILE)', octalMode)
    .option('--json', 'print the entry as JSON')
    .addHelpText('after', example('rock-cache put volcano-agent@2.1.0:linux-amd64 out/volcano-agent'))
    .action(async (key, file, opts) => {
      const entry = await (await cache()).put(key, file, { mode: opts.mode });
      print(opts.json, entry, formatEntry(entry));
    });

  program
    .command('get')
    .description(
      'copy the content of KEY to DEST (atomically, with its mode); without DEST print its stored path',
    )
    .argument('<key>', 'cache key')
    .argument('[dest]', 'file to write')
    .option('--json', 'print the entry (and its stored path) as JSON')
    .addHelpText(
      'after',
      example(
        'rock-cache get rock-init@1.4.2 build/rock-init',
        'cp "$(rock-cache get rock-init@1.4.2)" /tmp/x',
      ),
    )
    .action(async (key, dest, opts) => {
      const store = await cache();
      const entry = await store.get(key, dest);
      if (entry === undefined) {
        const where = store.remote === undefined ? '' : ` (nor on ${store.remote.location})`;
        throw new CheckError('CACHE_MISS', `${key}: not in the cache${where}`, { key });
      }
      const stored = store.blobPath(entry.digest);
      print(opts.json, { ...entry, path: stored }, dest === undefined ? (stored ?? '') : formatEntry(entry));
    });

  program
    .command('has')
    .description('exit 0 when KEY is cached, 1 when it is not (prints nothing)')
    .argument('<key>', 'cache key')
    .addHelpText('after', example('rock-cache has rock-init@1.4.2 || make rock-init'))
    .action(async (key) => {
      if (!(await (await cache()).has(key))) throw new ExitError(1);
    });

  program
    .command('list')
    .description('every entry: key, digest, size, mode, last use')
    .option('--json', 'print JSON')
    .addHelpText('after', example('rock-cache list', 'rock-cache list --json'))
    .action(async (opts) => {
      const entries = await (await cache()).list();
      print(opts.json, entries, entries.map(formatEntry).join('\n'));
    });

  program
    .command('stats')
    .description('entries, blobs and bytes in the store')
    .option('--json', 'print JSON')
    .addHelpText('after', example('rock-cache stats'))
    .action(async (opts) => {
      const stats = await (await cache()).stats();
      print(opts.json, stats, formatStats(stats));
    });

  program
    .command('verify')
    .description('re-hash every blob; drop corrupt blobs, entries without a blob and abandoned temp files')
    .option('--json', 'print JSON')
    .addHelpText('after', example('rock-cache verify'))
    .action(async (opts) => {
      const report = await (await cache()).verify();
      print(opts.json, report, formatVerify(report));
      if (!report.ok) throw new ExitError(1);
    });

  program
    .command('prune')
    .description('remove least recently used entries (get counts as a use)')
    .option('--max-size <size>', 'keep at most this much (500M, 2G)', (v) => size('--max-size', v))
    .option('--older-than <duration>', 'remove entries unused for this long (12h, 7d)', (v) =>
      age('--older-than', v),
    )
    .option('--json', 'print JSON')
    .addHelpText('after', example('rock-cache prune --max-size 2G', 'rock-cache prune --older-than 7d'))
    .action(async (opts) => {
      if (opts.maxSize === undefined && opts.olderThan === undefined)
        throw new InputError('BAD_OPTION', 'prune: expected --max-size SIZE or --older-than DURATION');
      const report = await (await cache()).prune({ maxSize: opts.maxSize, olderThanMs: opts.olderThan });
      print(opts.json, report, formatPrune(report));
    });

  program
    .command('export')
    .description('write every entry and its content to a tar file')
    .argument('<file>', 'tar file to write')
    .option('--json', 'print JSON')
    .addHelpText('after', example('rock-cache export cache.tar'))
    .action(async (file, opts) => {
      const report = await (await cache()).export(file);
      print(opts.json, report, `${file}: ${report.entries} entries, ${report.blobs} blobs exported`);
    });

  program
    .command('import')
    .description('add the entries of a tar written by export (every blob checked against its digest)')
    .argument('<file>', 'tar file to read')
    .option('--json', 'print JSON')
    .addHelpText('after', example('rock-cache import cache.tar'))
    .action(async (file, opts) => {
      const report = await (await cache()).import(file);
      print(opts.json, report, `${file}: ${report.entries} entries, ${report.blobs} blobs imported`);
    });

  program
    .command('rm')
    .description('remove KEY (its content goes at the next prune unless another key names it)')
    .argument('<key>', 'cache key')
    .addHelpText('after', example('rock-cache rm rock-init@1.4.2'))
    .action(async (key) => {
      if (!(await (await cache()).remove(key)))
        throw new CheckError('CACHE_MISS', `${key}: not in the cache`, { key });
    });

  return program;
}

if (isEntryPoint(import.meta.url)) main('rock-cache', (context) => rockCacheProgram(context));
