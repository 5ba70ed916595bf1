export {
  formatMac,
  isRockMac,
  normalizeMac,
  OUI_FIRST,
  OUI_LAST,
  parseMac,
  parseRockMac,
  ROCK_OUI,
} from '../net/index.js';
export { type CleanupItem, type CleanupOptions, type CleanupResult, cleanup } from './cleanup.js';
export {
  type AllocateOptions,
  type AuditOptions,
  type CleanupCommandOptions,
  type DispenserSource,
  type ListCommandOptions,
  type MacCommands,
  macCommands,
  type ReleaseOptions,
  type ReserveOptions,
  type ShowOptions,
} from './commands.js';
export {
  type DatabaseTarget,
  DEFAULT_DB_FILE,
  isPostgresUrl,
  openStore,
  resolveDatabase,
} from './database.js';
export {
  type AllocateRequest,
  type AllocateResult,
  DEFAULT_DEVICE_TYPE,
  DEFAULT_POOL,
  type DispenserOptions,
  MacDispenser,
  type ReleaseResult,
  type ReserveRequest,
} from './dispenser.js';
export { MAC_ERROR_CODES, MAC_REFUSAL_CODES } from './error-codes.js';
export type { DispenserErrorCode, RefusalCode } from './errors.js';
export { parseMetadata, parseStatusFilter } from './inputs.js';
export { MIGRATIONS, type Migration, SCHEMA_VERSION } from './migrations.js';
export {
  type CreateDispenserOptions,
  createDispenser,
  type DatabaseInfo,
  initDatabase,
  withDispenser,
} from './open.js';
export {
  DEFAULT_CONFIG_PATH,
  DEFAULT_POOLS,
  findPool,
  formatRange,
  loadPoolConfig,
  type Pool,
  type PoolConfig,
  parsePoolConfig,
  poolOf,
  resolveConfigPath,
} from './pools.js';
export { openPostgresStore, type PostgresStoreOptions, redactUrl } from './postgres-store.js';
export {
  allocationsToCsv,
  auditLog,
  type DeviceDetails,
  type ListOptions,
  listAllocations,
  type MacDetails,
  type PoolStats,
  poolStats,
  showDevice,
  showMac,
  showTarget,
} from './queries.js';
export {
  formatAllocations,
  formatAudit,
  formatCleanup,
  formatDetails,
  formatDeviceDetails,
  formatStats,
  formatTable,
  shortTime,
} from './render.js';
export { openSqliteStore } from './sqlite-store.js';
export type {
  Allocation,
  AuditAction,
  AuditEntry,
  ListFilter,
  MacStatus,
  MacStore,
  Metadata,
  PoolCursor,
  StatusCount,
  StoreTx,
} from './store.js';
export { MAC_STATUSES } from './store.js';
