#!/usr/bin/env node
import { Command, Option } from '@commander-js/extra-typings';
import {
  allocationsToCsv,
  auditLog,
  type CreateDispenserOptions,
  cleanup,
  formatAllocations,
  formatAudit,
  formatCleanup,
  formatDetails,
  formatStats,
  initDatabase,
  listAllocations,
  type MacDispenser,
  parsePositiveInt,
  parseStatusFilter,
  poolStats,
  showMac,
  withDispenser,
} from '../mac/index.js';
import { VERSION } from '../version.js';
import { isEntryPoint } from './entry.js';
import { type Io, main, processIo } from './run.js';

const EXAMPLES = `
Examples:
  $ rock-mac allocate --pool development --device build-42 --type qemu-vm
  $ MAC=$(rock-mac allocate --device "$HOSTNAME-$BUILD_ID" | sed -n 's/^Allocated MAC: //p')
  $ rock-mac list --pool development --status all --limit 20
  $ rock-mac release build-42
  $ rock-mac reserve --mac a4:58:0f:ff:00:10 --device lab-switch
  $ rock-mac cleanup --dry-run
  $ rock-mac --db postgres://rock:rock@db.example/rock stats

Exit codes: 0 ok, 1 refused (pool exhausted, address not found or in use, database unusable),
2 bad input or usage (malformed MAC, MAC outside the OUI or pool, unknown pool, invalid metadata).
Environment: ROCK_MAC_DATABASE_URL (shared PostgreSQL), ROCK_MAC_DB (SQLite file; default
$ROCK_HOME/mac-dispenser.db, ROCK_HOME default ~/.rock), ROCK_MAC_CONFIG (pool file; default
./configs/mac-dispenser.yaml if present, else built-in pools), ROCK_MAC_USER (audit user).`;

/** Builds the `rock-mac` program; `io` receives its output, `env` supplies its defaults (tests pass their own). */
export function rockMacProgram(io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('rock-mac')
    .description('Allocate ROCK-OS MAC addresses (OUI a4:58:0f) without duplicates, with an audit trail')
    .version(VERSION)
    .option(
      '--db <path|url>',
      'SQLite file or postgres:// URL (default: $ROCK_MAC_DATABASE_URL, $ROCK_MAC_DB, ~/.rock)',
    )
    .option(
      '--config <file>',
      'pool configuration YAML (default: $ROCK_MAC_CONFIG, ./configs/mac-dispenser.yaml)',
    )
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXAMPLES)
    // Before the subcommands exist: they copy it, so their usage errors reach runCli (exit 2), not process.exit(1).
    .exitOverride();

  const run = <T>(fn: (d: MacDispenser) => Promise<T>): Promise<T> => {
    const g = program.opts();
    const options: CreateDispenserOptions = {
      env,
      ...(g.db ? { db: g.db } : {}),
      ...(g.config ? { config: g.config } : {}),
    };
    return withDispenser(options, fn);
  };
  const json = (value: unknown) => io.out(JSON.stringify(value, null, 2));

  program
    .command('init')
    .description('create the database (or bring its schema up to date) and show where it is')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ rock-mac init\n  $ rock-mac --db postgres://rock:rock@db.example/rock init --json',
    )
    .action(async (opts) => {
      const info = await run(initDatabase);
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
      '\nExamples:\n  $ rock-mac allocate --pool development --device build-42 --type qemu-vm\n  $ rock-mac allocate --device build-42 --new --json',
    )
    .action(async (opts) => {
      const r = await run((d) =>
        d.allocate({
          pool: opts.pool,
          deviceId: opts.device,
          deviceType: opts.type,
          metadata: opts.metadata,
          forceNew: opts.new === true,
        }),
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
    .addHelpText('after', '\nExample:\n  $ rock-mac list --pool development --status all --limit 20')
    .action(async (opts) => {
      const statuses = parseStatusFilter(opts.status);
      const limit = opts.limit === undefined ? undefined : parsePositiveInt('--limit', opts.limit);
      const rows = await run((d) => listAllocations(d, { pool: opts.pool, statuses, limit }));
      if (opts.json) return json(rows);
      io.out(rows.length ? formatAllocations(rows) : 'no allocations');
    });

  program
    .command('show')
    .description('show one address and its audit history')
    .argument('<mac>', 'address')
    .option('--json', 'print the row and its history as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-mac show a4:58:0f:00:00:10')
    .action(async (mac, opts) => {
      const details = await run((d) => showMac(d, mac));
      if (opts.json) return json(details);
      io.out(formatDetails(details));
    });

  program
    .command('stats')
    .description('per pool: size, active, reserved, released, free, percentage used')
    .option('--json', 'print the statistics as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-mac stats --json')
    .action(async (opts) => {
      const stats = await run(poolStats);
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
      '\nExamples:\n  $ rock-mac release build-42\n  $ rock-mac release a4:58:0f:ff:00:10 --force',
    )
    .action(async (target, opts) => {
      const r = await run((d) => d.release(target, { force: opts.force === true }));
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
      '\nExamples:\n  $ rock-mac reserve --mac a4:58:0f:ff:00:10 --device lab-switch\n  $ rock-mac reserve --pool production --device rack-3',
    )
    .action(async (opts) => {
      const row = await run((d) =>
        d.reserve({
          mac: opts.mac,
          pool: opts.pool,
          deviceId: opts.device,
          deviceType: opts.type,
          metadata: opts.metadata,
        }),
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
      '\nExamples:\n  $ rock-mac cleanup --dry-run\n  $ rock-mac cleanup --days 7 --pool development',
    )
    .action(async (opts) => {
      const days = opts.days === undefined ? undefined : parsePositiveInt('--days', opts.days);
      const r = await run((d) => cleanup(d, { dryRun: opts.dryRun === true, days, pool: opts.pool }));
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
    .addHelpText('after', '\nExample:\n  $ rock-mac export --status active > allocations.csv')
    .action(async (opts) => {
      const statuses = parseStatusFilter(opts.status);
      const rows = await run((d) => listAllocations(d, { pool: opts.pool, statuses }));
      if (opts.json || opts.format === 'json') return json(rows);
      io.out(allocationsToCsv(rows).trimEnd());
    });

  program
    .command('audit')
    .description('show the newest audit log entries, oldest first')
    .option('--limit <n>', 'number of entries', '50')
    .option('--json', 'print the entries as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ rock-mac audit --limit 20')
    .action(async (opts) => {
      const limit = parsePositiveInt('--limit', opts.limit);
      const entries = await run((d) => auditLog(d, limit));
      if (opts.json) return json(entries);
      io.out(entries.length ? formatAudit(entries) : 'no audit entries');
    });

  return program;
}

function statusOption(fallback: 'active' | 'all') {
  return new Option('--status <status>', 'active, released, reserved or all').default(fallback);
}

if (isEntryPoint(import.meta.url)) main('rock-mac', rockMacProgram());
