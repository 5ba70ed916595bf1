import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { formatMac, isRockMac, parseMac, ROCK_OUI } from '../net/index.js';
import { errnoOf, errnoWords } from '../util/fs-errors.js';
import { dispenserInputError } from './errors.js';

/** One address pool: an inclusive range under the ROCK-OS OUI. */
export interface Pool {
  readonly name: string;
  /** First and last address, inclusive, as 48-bit integers. */
  readonly start: number;
  readonly end: number;
  /** `cleanup` releases active allocations older than this; null: never auto-released. */
  readonly autoReleaseDays: number | null;
  readonly description: string;
}

/** The pools a dispenser hands addresses out of, and where they were read from. */
export interface PoolConfig {
  readonly pools: readonly Pool[];
  /** The YAML file, or `built-in defaults`. */
  readonly source: string;
}

/** Where the pool file is looked up, relative to the working directory, when no path is given. */
export const DEFAULT_CONFIG_PATH = join('configs', 'mac-dispenser.yaml');

const o = (tail: string) => parseMac(`${ROCK_OUI}:${tail}`);
const pool = (name: string, start: string, end: string, days: number | null, description: string): Pool => ({
  name,
  start: o(start),
  end: o(end),
  autoReleaseDays: days,
  description,
});

/** The pools used when no configuration file exists (the ROCK-OS design's table). */
export const DEFAULT_POOLS: readonly Pool[] = [
  pool('production', '00:00:01', '00:ff:ff', null, 'production nodes'),
  pool('development', '01:00:00', '01:ff:ff', 7, 'developer VMs'),
  pool('experiment', '02:00:00', '02:ff:ff', 1, 'short-lived experiments'),
  pool('vultr', '03:00:00', '03:ff:ff', 30, 'Vultr cloud instances'),
  pool('docker', '04:00:00', '04:ff:ff', 1, 'docker containers'),
  pool('kubernetes', '05:00:00', '05:ff:ff', 1, 'kubernetes pods'),
  pool('reserved', 'ff:00:00', 'ff:ff:ff', null, 'held back for manual assignment'),
];

const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const poolSchema = z.strictObject({
  start: z.string(),
  end: z.string(),
  auto_release_days: z.union([z.literal('never'), z.int().positive()]),
  description: z.string().optional(),
});

const fileSchema = z.strictObject({
  version: z.literal(1),
  pools: z.record(
    z.string().regex(POOL_NAME, 'pool names are 1-64 of A-Z a-z 0-9 . _ - (case-sensitive)'),
    poolSchema,
  ),
});

/**
 * Resolves which pool file to read: `explicit` (from `--config`), else `$ROCK_MAC_CONFIG`, else
 * `configs/mac-dispenser.yaml` under `cwd` if it exists; undefined means the built-in defaults.
 */
export function resolveConfigPath(
  explicit?: string,
  env = process.env,
  cwd = process.cwd(),
): string | undefined {
  if (explicit !== undefined && explicit !== '') return resolve(cwd, explicit);
  const fromEnv = env.ROCK_MAC_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(cwd, fromEnv);
  const local = resolve(cwd, DEFAULT_CONFIG_PATH);
  return existsSync(local) ? local : undefined;
}

/**
 * Loads and validates the pools at `file` (undefined: the built-in defaults).
 * Refuses, with `file:line:col` in the message: a missing file (`CONFIG_NOT_FOUND`), bad YAML or a
 * field of the wrong shape (`CONFIG_INVALID`), a range outside the OUI or with start > end
 * (`CONFIG_BAD_RANGE`), two pools that overlap (`CONFIG_POOL_OVERLAP`).
 */
export function loadPoolConfig(file: string | undefined): PoolConfig {
  if (file === undefined) return { pools: DEFAULT_POOLS, source: 'built-in defaults' };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = errnoOf(err) ?? 'EIO';
    throw dispenserInputError(
      'CONFIG_NOT_FOUND',
      `${file}: cannot read the pool configuration: ${errnoWords(code)}`,
      {
        file,
        errno: code,
      },
    );
  }
  return parsePoolConfig(text, file);
}

/** Parses pool configuration YAML `text`; `file` names it in errors. Refuses what {@link loadPoolConfig} refuses. */
export function parsePoolConfig(text: string, file: string): PoolConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (offset: number | undefined) => {
    const p = lines.linePos(offset ?? 0);
    return `${file}:${p.line}:${p.col}`;
  };
  const first = doc.errors[0];
  if (first) {
    throw dispenserInputError('CONFIG_INVALID', `${where(first.pos[0])}: ${first.message.split('\n')[0]}`, {
      file,
    });
  }
  const parsed = fileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    const at = where(offsetOf(doc, path));
    const field = path.length > 0 ? path.join('.') : '(document)';
    throw dispenserInputError('CONFIG_INVALID', `${at}: ${field}: ${issue.message}`, { file, field });
  }
  const pools: Pool[] = [];
  for (const [name, p] of Object.entries(parsed.data.pools)) {
    const mac = (key: 'start' | 'end') => {
      const at = where(offsetOf(doc, ['pools', name, key]));
      const n = parseMac(p[key], `${at}: pools.${name}.${key}`);
      if (!isRockMac(n)) {
        throw dispenserInputError(
          'CONFIG_BAD_RANGE',
          `${at}: pools.${name}.${key}: expected an address under the ROCK-OS OUI ${ROCK_OUI}, got ${formatMac(n)}`,
          { file, field: `pools.${name}.${key}` },
        );
      }
      return n;
    };
    const start = mac('start');
    const end = mac('end');
    if (start > end) {
      throw dispenserInputError(
        'CONFIG_BAD_RANGE',
        `${where(offsetOf(doc, ['pools', name, 'end']))}: pools.${name}: expected start <= end, got ${formatMac(start)} > ${formatMac(end)}`,
        { file, field: `pools.${name}` },
      );
    }
    const days = p.auto_release_days;
    pools.push({
      name,
      start,
      end,
      autoReleaseDays: days === 'never' ? null : days,
      description: p.description ?? '',
    });
  }
  const sorted = [...pools].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start <= prev.end) {
      throw dispenserInputError(
        'CONFIG_POOL_OVERLAP',
        `${where(offsetOf(doc, ['pools', cur.name, 'start']))}: pools.${cur.name}: overlaps pool '${prev.name}' (${formatRange(prev)}) at ${formatMac(cur.start)}`,
        { file, field: `pools.${cur.name}`, other: prev.name },
      );
    }
  }
  return { pools, source: file };
}

/** `a4:58:0f:01:00:00-a4:58:0f:01:ff:ff`. */
export function formatRange(p: Pick<Pool, 'start' | 'end'>): string {
  return `${formatMac(p.start)}-${formatMac(p.end)}`;
}

/** The pool named `name` (case-sensitive); refuses (`POOL_UNKNOWN`) a name not configured. */
export function findPool(config: PoolConfig, name: string): Pool {
  const p = config.pools.find((x) => x.name === name);
  if (!p) {
    const known = config.pools.map((x) => x.name).join(', ');
    throw dispenserInputError('POOL_UNKNOWN', `pool: unknown pool '${name}' (configured: ${known})`, {
      field: 'pool',
      expected: known,
      actual: name,
    });
  }
  return p;
}

/** The pool whose range holds `mac`, or undefined. */
export function poolOf(config: PoolConfig, mac: number): Pool | undefined {
  return config.pools.find((p) => mac >= p.start && mac <= p.end);
}

/** Source offset of the node at `path` (or its nearest existing parent). */
function offsetOf(doc: Document, path: readonly string[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}
