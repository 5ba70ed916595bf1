import type { RunContext } from '../util/run-context.js';
import { type CleanupResult, cleanup } from './cleanup.js';
import type { AllocateResult, MacDispenser, ReleaseResult } from './dispenser.js';
import { type CreateDispenserOptions, type DatabaseInfo, initDatabase, withDispenser } from './open.js';
import {
  auditLog,
  type DeviceDetails,
  listAllocations,
  type MacDetails,
  type PoolStats,
  poolStats,
  showTarget,
} from './queries.js';
import type { Allocation, AuditEntry, MacStatus } from './store.js';

/** Where the pools and the database come from (rock-mac's global options). */
export interface DispenserSource {
  /** SQLite file or `postgres://` URL; default from the environment, then `$ROCK_HOME`. */
  db?: string;
  /** Pool file; default `$ROCK_MAC_CONFIG`, then `./configs/mac-dispenser.yaml`, then built-in pools. */
  config?: string;
}

export interface AllocateOptions extends DispenserSource {
  pool: string;
  deviceId?: string;
  deviceType: string;
  metadata?: string;
  forceNew: boolean;
}

export interface ListCommandOptions extends DispenserSource {
  pool?: string;
  /** Undefined: every status. */
  statuses?: readonly MacStatus[];
  limit?: number;
}

export interface ShowOptions extends DispenserSource {
  /** An address, or a device id. */
  target: string;
}

export interface ReleaseOptions extends DispenserSource {
  /** An address, or a device id (every active address it holds). */
  target: string;
  force: boolean;
}

export interface ReserveOptions extends DispenserSource {
  mac?: string;
  pool?: string;
  deviceId: string;
  deviceType: string;
  metadata?: string;
}

export interface CleanupCommandOptions extends DispenserSource {
  dryRun: boolean;
  days?: number;
  pool?: string;
}

export interface AuditOptions extends DispenserSource {
  limit: number;
}

/** Every rock-mac command: typed options and the run context in, a result out. */
export interface MacCommands {
  init(options: DispenserSource, context: RunContext): Promise<DatabaseInfo>;
  allocate(options: AllocateOptions, context: RunContext): Promise<AllocateResult>;
  list(options: ListCommandOptions, context: RunContext): Promise<Allocation[]>;
  show(options: ShowOptions, context: RunContext): Promise<MacDetails | DeviceDetails>;
  stats(options: DispenserSource, context: RunContext): Promise<PoolStats[]>;
  release(options: ReleaseOptions, context: RunContext): Promise<ReleaseResult>;
  reserve(options: ReserveOptions, context: RunContext): Promise<Allocation>;
  cleanup(options: CleanupCommandOptions, context: RunContext): Promise<CleanupResult>;
  audit(options: AuditOptions, context: RunContext): Promise<AuditEntry[]>;
}

/** A dispenser for one command, from its source options and the context's environment and cwd. */
function using<T>(
  source: DispenserSource,
  context: RunContext,
  fn: (d: MacDispenser) => Promise<T>,
): Promise<T> {
  const options: CreateDispenserOptions = {
    env: { ...context.env, ROCK_HOME: context.home },
    cwd: context.cwd,
    ...(source.db !== undefined ? { db: source.db } : {}),
    ...(source.config !== undefined ? { config: source.config } : {}),
  };
  return withDispenser(options, fn);
}

export const macCommands: MacCommands = {
  init: (o, c) => using(o, c, initDatabase),
  allocate: (o, c) =>
    using(o, c, (d) =>
      d.allocate({
        pool: o.pool,
        ...(o.deviceId !== undefined ? { deviceId: o.deviceId } : {}),
        deviceType: o.deviceType,
        ...(o.metadata !== undefined ? { metadata: o.metadata } : {}),
        forceNew: o.forceNew,
      }),
    ),
  list: (o, c) =>
    using(o, c, (d) => listAllocations(d, { pool: o.pool, statuses: o.statuses, limit: o.limit })),
  show: (o, c) => using(o, c, (d) => showTarget(d, o.target)),
  stats: (o, c) => using(o, c, poolStats),
  release: (o, c) => using(o, c, (d) => d.release(o.target, { force: o.force })),
  reserve: (o, c) =>
    using(o, c, (d) =>
      d.reserve({
        mac: o.mac,
        pool: o.pool,
        deviceId: o.deviceId,
        deviceType: o.deviceType,
        metadata: o.metadata,
      }),
    ),
  cleanup: (o, c) => using(o, c, (d) => cleanup(d, { dryRun: o.dryRun, days: o.days, pool: o.pool })),
  audit: (o, c) => using(o, c, (d) => auditLog(d, o.limit)),
};
