#!/usr/bin/env node
import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import type { MacCommands } from '../mac/commands.js';
import { parseStatusFilter } from '../mac/inputs.js';
import {
  formatAllocations,
  formatAudit,
  formatCleanup,
  formatDetails,
  formatDeviceDetails,
  formatStats,
} from '../mac/render.js';
import { type CommandContext, contextOf } from './context.js';
import { isEntryPoint } from './entry.js';
import type { Io } from './io.js';
import { lazyCommands } from './lazy-commands.js';
import { positiveInteger } from './option-values.js';
import { examplesHelp, toolProgram } from './program.js';
import { main } from './run.js';

/** The library's commands, imported when one first runs: --help and usage errors load none of them. */
const libraryCommands = lazyCommands(() => import('../mac/commands.js').then((m) => m.macCommands));

const EXAMPLES = `
Examples:
  $ rock-mac allocate --pool development --device build-42 --type qemu-vm
  $ MAC=$(rock-mac allocate --device "node-$BUILD_ID" | grep "Allocated MAC:" | cut -d: -f2-)
  $ rock-mac list --pool development --status all --limit 20
  $ rock-mac show build-42
  $ rock-mac release build-42
  $ rock-mac reserve --mac a4:58:0f:ff:00:10 --device lab-switch
  $ rock-mac cleanup --dry-run
  $ rock-mac --db postgres://rock:rock@db.example/rock stats

Addresses are taken in any case, with ':' or '-', surrounding white space ignored, and printed in
the lower-case colon form.
Exit codes: 0 ok, 1 refused (pool exhausted, address not found, already allocated or reserved),
2 unusable input, usage or database (malformed MAC, MAC outside the OUI or pool, unknown pool,
invalid metadata, a database that cannot be opened or reached).
Environment: ROCK_MAC_DATABASE_URL (shared PostgreSQL), ROCK_MAC_DB (SQLite file; default
$ROCK_HOME/mac-dispenser.db, ROCK_HOME default ~/.rock), ROCK_MAC_CONFIG (pool file; default
./configs/mac-dispenser.yaml if present, else built-in pools), ROCK_MAC_USER (audit user).`;

/**
 * Builds the `rock-mac` program: flags mapped onto each command's options, the work done by
 * `commands` (the library's; tests pass recording ones), the result rendered through the context.
 */
export function rockMacProgram(where: CommandContext | Io, commands: MacCommands = libraryCommands): Command {
  const context = contextOf(where);
  const { io } = context;
  const program = toolProgram(
    'rock-mac',
    'Allocate ROCK-OS MAC addresses (OUI a4:58:0f) without duplicates, with an audit trail',
    EXAMPLES,
  )
    .option(
      '--db <path|url>',
      'SQLite file or postgres:// URL (default: $ROCK_MAC_DATABASE_URL, $ROCK_MAC_DB, ~/.rock)',
    )
    .option(
      '--config <file>',
      'pool configuration YAML (default: $ROCK_MAC_CONFIG, ./configs/mac-dispenser.yaml)',
    );

  /** The global options every command gets. */
  const source = () => {
    const g = program.opts();
    return { ...(g.db ? { db: g.db } : {}), ...(g.config ? { config: g.config } : {}) };
  };
  const json = (value: unknown) => io.out(JSON.stringify(value, null, 2));

  program
    .command('init')
    .description('create the database (or bring its schema up to date) and show where it is')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      examplesHelp('rock-mac init', 'rock-mac --db postgres://rock:rock@db.example/rock init --json'),
    )
    .action(async (opts) => {
      const info = await commands.init(source(), context);
      if (opts.json) return json(info);
      io.out(`Database: ${info.location} (${info.backend}, schema version ${info.schemaVersion})`);
      io.out(`Pools: ${info.pools.join(', ')} (from ${info.config})`);
    });

  program
    .command('allocate')
    .description("allocate an address (the device's existing one if it holds one in the pool)")
    .option('--pool <pool>', 'pool to allocate from', 'development')
    .option('--device <id>', 'device the address is for')
    .option('--type <type>', 'device type', 'qemu-vm')
    .option('--metadata <json>', 'JSON object stored with the allocation')
    .option('--new', 'a new address even if the device already holds one in the pool')
    .option('--json', 'print the allocation as JSON on stdout')
    .addHelpText(
      'after',
      examplesHelp(
        'rock-mac allocate --pool development --device build-42 --type qemu-vm',
        'rock-mac allocate --device build-42 --new --json',
      ),
    )
    .action(async (opts) => {
      const r = await commands.allocate(
        {
          ...source(),
          pool: opts.pool,
          ...(opts.device !== undefined ? { deviceId: opts.device } : {}),
          deviceType: opts.type,
          ...(opts.metadata !== undefined ? { metadata: opts.metadata } : {}),
          forceNew: opts.new === true,
        },
        context,
      );
      if (opts.json) return json({ ...r.allocation, existing: r.existing, reused: r.reused });
      io.out(`Allocated MAC: ${r.allocation.macAddress}`);
      if (r.existing)
        io.err(`rock-mac: device '${r.allocation.deviceId}' already holds this address (--new for another)`);
      if (r.reused)
        io.err(
          `rock-mac: reusing a released address: pool '${r.allocation.pool}' has no never-used one left`,
        );
    });

  program
    .command('list')
    .description('list allocations by address')
    .option('--pool <pool>', 'only this pool')
    .addOption(statusOption('active'))
    .option('--limit <n>', 'at most this many rows')
    .option('--json', 'print the rows as JSON on stdout')
    .addHelpText('after', examplesHelp('rock-mac list --pool development --status all --limit 20'))
    .action(async (opts) => {
      const rows = await commands.list(
        {
          ...source(),
          ...(opts.pool !== undefined ? { pool: opts.pool } : {}),
          ...statuses(opts.status),
          ...(opts.limit !== undefined ? { limit: positiveInteger('--limit', opts.limit) } : {}),
        },
        context,
      );
      if (opts.json) return json(rows);
      io.out(rows.length ? formatAllocations(rows) : 'no allocations');
    });

  program
    .command('show')
    .description('show an address and its audit history, or every address a device holds or held')
    .argument('<mac-or-device>', 'address, or device id')
    .option('--json', 'print the row(s) and history as JSON on stdout')
    .addHelpText('after', examplesHelp('rock-mac show a4:58:0f:00:00:10', 'rock-mac show build-42 --json'))
    .action(async (target, opts) => {
      const details = await commands.show({ ...source(), target }, context);
      if (opts.json) return json(details);
      io.out('deviceId' in details ? formatDeviceDetails(details) : formatDetails(details));
    });

  program
    .command('stats')
    .description('per pool: size, active, reserved, released, free, percentage used')
    .option('--json', 'print the statistics as JSON on stdout')
    .addHelpText('after', examplesHelp('rock-mac stats --json'))
    .action(async (opts) => {
      const stats = await commands.stats(source(), context);
      if (opts.json) return json(stats);
      io.out(formatStats(stats));
    });

  program
    .command('release')
    .description('release an address, or every active address of a device')
    .argument('<mac-or-device>', 'address, or device id')
    .option('--force', 'also release reserved addresses')
    .option('--json', 'print the released rows as JSON on stdout')
    .addHelpText(
      'after',
      examplesHelp('rock-mac release build-42', 'rock-mac release a4:58:0f:ff:00:10 --force'),
    )
    .action(async (target, opts) => {
      const r = await commands.release({ ...source(), target, force: opts.force === true }, context);
      if (opts.json) return json(r);
      for (const a of r.released)
        io.out(`Released MAC: ${a.macAddress} (pool ${a.pool}, device ${a.deviceId ?? '-'})`);
      for (const m of r.alreadyReleased) io.out(`${m}: already released, nothing changed`);
    });

  program
    .command('reserve')
    .description('hold an address back for a device: a given one (--mac) or the next free one of a pool')
    .option('--mac <mac>', 'address to reserve (must lie inside a configured pool)')
    .option('--pool <pool>', 'pool to take the next free address from')
    .requiredOption('--device <id>', 'device the address is held for')
    .option('--type <type>', 'device type', 'qemu-vm')
    .option('--metadata <json>', 'JSON object stored with the reservation')
    .option('--json', 'print the reservation as JSON on stdout')
    .addHelpText(
      'after',
      examplesHelp(
        'rock-mac reserve --mac a4:58:0f:ff:00:10 --device lab-switch',
        'rock-mac reserve --pool production --device rack-3',
      ),
    )
    .action(async (opts) => {
      const row = await commands.reserve(
        {
          ...source(),
          ...(opts.mac !== undefined ? { mac: opts.mac } : {}),
          ...(opts.pool !== undefined ? { pool: opts.pool } : {}),
          deviceId: opts.device,
          deviceType: opts.type,
          ...(opts.metadata !== undefined ? { metadata: opts.metadata } : {}),
        },
        context,
      );
      if (opts.json) return json(row);
      io.out(`Reserved MAC: ${row.macAddress} (pool ${row.pool}, device ${row.deviceId})`);
    });

  program
    .command('cleanup')
    .description("release active allocations older than their pool's auto-release age")
    .option('--dry-run', 'list what would be released, change nothing')
    .option('--days <n>', 'age threshold in days for every pool that auto-releases')
    .option('--pool <pool>', 'only this pool')
    .option('--json', 'print what was released as JSON on stdout')
    .addHelpText(
      'after',
      examplesHelp('rock-mac cleanup --dry-run', 'rock-mac cleanup --days 7 --pool development'),
    )
    .action(async (opts) => {
      const r = await commands.cleanup(
        {
          ...source(),
          dryRun: opts.dryRun === true,
          ...(opts.days !== undefined ? { days: positiveInteger('--days', opts.days) } : {}),
          ...(opts.pool !== undefined ? { pool: opts.pool } : {}),
        },
        context,
      );
      if (opts.json) return json(r);
      io.out(formatCleanup(r));
    });

  program
    .command('export')
    .description('write every allocation to stdout as CSV or JSON')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['csv', 'json'] as const)
        .default('csv' as const),
    )
    .addOption(statusOption('all'))
    .option('--pool <pool>', 'only this pool')
    .option('--json', 'same as --format json')
    .addHelpText('after', examplesHelp('rock-mac export --status active > allocations.csv'))
    .action(async (opts) => {
      const rows = await commands.list(
        { ...source(), ...(opts.pool !== undefined ? { pool: opts.pool } : {}), ...statuses(opts.status) },
        context,
      );
      if (opts.json || opts.format === 'json') return json(rows);
      const { allocationsToCsv } = await import('../mac/queries.js');
      io.out(allocationsToCsv(rows).trimEnd());
    });

  program
    .command('audit')
    .description('show the newest audit log entries, oldest first')
    .option('--limit <n>', 'number of entries', '50')
    .option('--json', 'print the entries as JSON on stdout')
    .addHelpText('after', examplesHelp('rock-mac audit --limit 20'))
    .action(async (opts) => {
      const entries = await commands.audit(
        { ...source(), limit: positiveInteger('--limit', opts.limit) },
        context,
      );
      if (opts.json) return json(entries);
      io.out(entries.length ? formatAudit(entries) : 'no audit entries');
    });

  return program;
}

function statusOption(fallback: 'active' | 'all') {
  return new Option('--status <status>', 'active, released, reserved or all').default(fallback);
}

/** `--status` as the library's filter: a list, or no key for every status. */
function statuses(text: string) {
  const parsed = parseStatusFilter(text);
  return parsed === undefined ? {} : { statuses: parsed };
}

if (isEntryPoint(import.meta.url)) main('rock-mac', rockMacProgram);
