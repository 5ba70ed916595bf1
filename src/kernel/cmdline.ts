/**
 * Kernel command lines for ROCK-OS boots. Every mode carries the contract's init parameters
 * (BOOT_PARAMS: `init=` for rock-init, `rdinit=` so the kernel runs it from the initramfs) and
 * `net.ifnames=0`, so the first NIC is `eth0` whatever its PCI slot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { BOOT_PARAMS } from '../contract/index.js';
import { InputError } from '../errors/index.js';

/** The built-in modes. */
export const BUILTIN_MODES: Readonly<Record<'debug' | 'production', readonly string[]>> = {
  debug: ['console=ttyS0', 'debug'],
  production: ['quiet'],
};

/** Parameters every mode ends with, after the mode's own. */
export const COMMON_PARAMS: readonly string[] = [...BOOT_PARAMS, 'net.ifnames=0'];

/** x86 COMMAND_LINE_SIZE (arch/x86/include/asm/setup.h), including the terminating NUL. */
export const COMMAND_LINE_SIZE = 2048;

/** Keys the suite sets itself; a mode or --append may not set them again (the kernel keeps the last). */
const RESERVED = [...new Set([...COMMON_PARAMS.map((p) => p.split('=')[0]!), 'BOOTIF'])];

const MODE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

const CmdlineFile = z
  .object({
    modes: z.record(
      z.string().regex(MODE_NAME),
      z.union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' }),
      { error: 'expected a mapping of mode names to parameters' },
    ),
  })
  .strict();

/** Options of {@link buildCmdline}. */
export interface CmdlineOptions {
  /** `debug` (default), `production`, or a mode from the config file. */
  mode?: string;
  /** Extra parameters, appended last (each may hold several, space-separated). */
  append?: readonly string[];
  /** MAC of the boot's network device, passed as `BOOTIF=01-aa-bb-cc-dd-ee-ff`. */
  mac?: string;
  /** The modes file; default `<ROCK_HOME>/cmdline.yaml` when it exists. */
  configFile?: string;
  /** `ROCK_HOME` (for `<home>/cmdline.yaml`). */
  home: string;
}

/**
 * The kernel command line for a mode, as one line.
 *
 * Refuses (InputError): an unknown mode (`CMDLINE_UNKNOWN_MODE`, listing the known ones), a bad
 * modes file (`CMDLINE_CONFIG_INVALID` with file:line:col), a parameter that sets what the suite
 * sets (`CMDLINE_RESERVED_PARAM`: init, rdinit, net.ifnames, BOOTIF), a parameter with quotes or
 * control characters (`CMDLINE_BAD_PARAM`), a bad MAC (`CMDLINE_BAD_MAC`), and a line longer than
 * the kernel keeps (`CMDLINE_TOO_LONG`).
 */
export function buildCmdline(options: CmdlineOptions): string {
  const mode = options.mode ?? 'debug';
  const modes = availableModes(options);
  const own = modes.get(mode);
  if (!own) {
    throw new InputError(
      'CMDLINE_UNKNOWN_MODE',
      `mode ${JSON.stringify(mode)}: expected one of ${[...modes.keys()].join(', ')}`,
      {
        mode,
        known: [...modes.keys()],
      },
    );
  }
  const appended = (options.append ?? []).flatMap((a) => splitParams(a, '--append'));
  for (const p of appended) checkParam(p, '--append');
  const params = [...own, ...COMMON_PARAMS];
  if (options.mac !== undefined) params.push(`BOOTIF=01-${validateMac(options.mac).replace(/:/g, '-')}`);
  params.push(...appended);
  const line = params.join(' ');
  if (line.length + 1 > COMMAND_LINE_SIZE) {
    throw new InputError(
      'CMDLINE_TOO_LONG',
      `command line: expected at most ${COMMAND_LINE_SIZE - 1} bytes, got ${line.length}`,
      {
        length: line.length,
      },
    );
  }
  return line;
}

/** The built-in modes and the user's, by name. */
export function availableModes(
  options: Pick<CmdlineOptions, 'configFile' | 'home'>,
): Map<string, readonly string[]> {
  const modes = new Map<string, readonly string[]>(Object.entries(BUILTIN_MODES));
  const file = options.configFile ?? path.join(options.home, 'cmdline.yaml');
  if (options.configFile === undefined && !fs.existsSync(file)) return modes;
  for (const [name, params] of loadModesFile(file)) modes.set(name, params);
  return modes;
}

/**
 * Reads a modes file: `modes: { NAME: "p1 p2" | [p1, p2] }`.
 *
 * Refuses (InputError `CMDLINE_CONFIG_INVALID`, message `file:line:col: ...`) unreadable or invalid
 * YAML, a schema violation, a mode redefining `debug` or `production`, and bad or reserved parameters.
 */
export function loadModesFile(file: string): Map<string, readonly string[]> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError('CMDLINE_CONFIG_INVALID', `${file}: cannot read: ${(error as Error).message}`, {
      file,
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined): string => {
    const pos = lineCounter.linePos(offset ?? 0);
    return `${file}:${pos.line}:${pos.col}`;
  };
  const fail = (offset: number | undefined, message: string, pathParts: (string | number)[] = []): never => {
    throw new InputError('CMDLINE_CONFIG_INVALID', `${at(offset)}: ${message}`, {
      file,
      location: at(offset),
      path: pathParts,
    });
  };
  const firstError = doc.errors[0];
  if (firstError) fail(firstError.pos[0], firstError.message.split('\n')[0] ?? 'invalid YAML');
  const offsetOf = (pathParts: (string | number)[]): number | undefined => {
    const node = doc.getIn(pathParts, true) as { range?: [number, number, number] } | undefined;
    return node?.range?.[0];
  };
  const parsed = CmdlineFile.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    let pathParts = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    let message = issue.message;
    let where = offsetOf(pathParts);
    if (issue.code === 'unrecognized_keys') {
      pathParts = [...pathParts, issue.keys[0]!];
      message = 'unknown key (expected only modes)';
      where = keyOffset(doc, pathParts);
    } else if (pathParts[0] === 'modes' && pathParts.length === 2 && !MODE_NAME.test(String(pathParts[1]))) {
      message = 'a mode name is lower-case letters, digits, - and _';
      where = keyOffset(doc, pathParts);
    }
    fail(
      where ?? offsetOf(pathParts.slice(0, -1)),
      `${pathParts.join('.') || '(top)'}: ${message}`,
      pathParts,
    );
  }
  const modes = new Map<string, readonly string[]>();
  for (const [name, value] of Object.entries(parsed.data!.modes)) {
    if (name in BUILTIN_MODES)
      fail(keyOffset(doc, ['modes', name]), `modes.${name}: built-in modes cannot be redefined`, [
        'modes',
        name,
      ]);
    const params = (Array.isArray(value) ? value : [value]).flatMap((v) => splitParams(v, `modes.${name}`));
    for (const p of params) {
      try {
        checkParam(p, `modes.${name}`);
      } catch (error) {
        fail(offsetOf(['modes', name]), (error as Error).message, ['modes', name]);
      }
    }
    modes.set(name, params);
  }
  return modes;
}

function keyOffset(
  doc: ReturnType<typeof parseDocument>,
  pathParts: (string | number)[],
): number | undefined {
  const parent = doc.getIn(pathParts.slice(0, -1), true) as
    | { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] }
    | undefined;
  const key = parent?.items?.find((pair) => pair.key?.value === pathParts[pathParts.length - 1])?.key;
  return key?.range?.[0];
}

function splitParams(text: string, where: string): string[] {
  if (
    [...text].some((c) => c !== ' ' && c !== '\t' && (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
  ) {
    throw new InputError(
      'CMDLINE_BAD_PARAM',
      `${where}: ${JSON.stringify(text)}: control characters are not allowed`,
      { where },
    );
  }
  return text.split(/[ \t]+/).filter((p) => p !== '');
}

function checkParam(param: string, where: string): void {
  if (/["'\\]/.test(param) || !/^[\x21-\x7e\u00a0-\uffff]+$/.test(param)) {
    throw new InputError(
      'CMDLINE_BAD_PARAM',
      `${where}: ${JSON.stringify(param)}: expected a parameter without quotes or backslashes`,
      {
        where,
        param,
      },
    );
  }
  const key = param.split('=')[0]!;
  if (RESERVED.includes(key)) {
    throw new InputError(
      'CMDLINE_RESERVED_PARAM',
      `${where}: ${param}: ${key} is set by rock-kernel (${COMMON_PARAMS.join(' ')}, BOOTIF from --mac); remove it`,
      { where, param },
    );
  }
}

/**
 * Normalises a MAC to lower-case `aa:bb:cc:dd:ee:ff`. Refuses (InputError `CMDLINE_BAD_MAC`) other
 * spellings, multicast addresses (low bit of the first byte set) and the all-zero address.
 */
export function validateMac(mac: string): string {
  const lower = mac.toLowerCase();
  const bad = (why: string): never => {
    throw new InputError('CMDLINE_BAD_MAC', `mac ${JSON.stringify(mac)}: ${why}`, { mac });
  };
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(lower)) bad('expected six hex bytes like a4:58:0f:01:00:10');
  if ((Number.parseInt(lower.slice(0, 2), 16) & 1) === 1)
    bad('a multicast address (first byte odd); a NIC needs a unicast MAC');
  if (lower === '00:00:00:00:00:00') bad('the all-zero address is not a valid NIC address');
  return lower;
}
