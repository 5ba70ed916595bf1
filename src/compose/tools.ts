/**
 * The suite's own tools as a pipeline sees them: where each one's script is (this package's own
 * `dist/bin/<tool>.js`, resolved from this module's location, never a relative path or $PATH), which
 * field of its `--json` result is its captured value, and which invocations write or verify an image.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The bundled tools (scripts/bundle-cli.mjs), the package's `bin`: from `dist/compose/tools.js` and
 * from a chunk of the bundle in `dist/bin/` alike, `../bin/`. Run from the source tree (tests, `.ts`):
 * the built `dist/bin/`.
 */
const CLI_DIRS = import.meta.url.endsWith('.ts')
  ? [new URL('../../dist/bin/', import.meta.url)]
  : [new URL('../bin/', import.meta.url)];

const TOOL_NAME = /^rock-[a-z]+$/;

/** The absolute path of a suite tool's script, or undefined when there is no such tool. */
export function toolScript(tool: string): string | undefined {
  if (!TOOL_NAME.test(tool)) return undefined;
  for (const dir of CLI_DIRS) {
    const path = fileURLToPath(new URL(`${tool}.js`, dir));
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** The names of the suite's tools that are installed beside this module. */
export function availableTools(): string[] {
  for (const dir of CLI_DIRS) {
    const path = fileURLToPath(dir);
    if (!existsSync(path)) continue;
    const names = readdirSync(path)
      .filter((f) => /^rock-[a-z]+\.js$/.test(f))
      .map((f) => f.slice(0, -3));
    if (names.length > 0) return names.sort();
  }
  return [];
}

/** The first word of `args` that is not an option: the subcommand. */
function positionals(args: readonly string[]): string[] {
  return args.filter((a) => !a.startsWith('-'));
}

const IMAGE_SUBCOMMANDS = new Set(['create', 'cpio', 'ls', 'list', 'extract', 'help']);

/** rock-image's subcommand; `create` is its default (`rock-image --mac X` creates). */
function imageSubcommand(args: readonly string[]): string[] {
  const words = positionals(args);
  return words[0] !== undefined && IMAGE_SUBCOMMANDS.has(words[0]) ? words : ['create', ...words];
}

/**
 * The field of the tool's `--json` result that is its value for `capture:`: rock-mac allocate's
 * address, rock-image create's image path, rock-security keygen's key path. Undefined: capture stdout.
 */
export function captureField(tool: string, args: readonly string[]): string | undefined {
  const [sub, sub2] = tool === 'rock-image' ? imageSubcommand(args) : positionals(args);
  if (tool === 'rock-mac' && sub === 'allocate') return 'macAddress';
  if (tool === 'rock-image' && (sub === 'create' || (sub === 'cpio' && sub2 === 'create'))) return 'output';
  if (tool === 'rock-security' && sub === 'keygen') return args.includes('--sign') ? 'secretKey' : 'path';
  return undefined;
}

/** True for an invocation that writes an image (rock-image create, its default, and cpio create). */
export function writesImage(tool: string, args: readonly string[]): boolean {
  if (tool !== 'rock-image' || args.includes('--help') || args.includes('-h')) return false;
  const [sub, sub2] = imageSubcommand(args);
  return sub === 'create' || (sub === 'cpio' && sub2 === 'create');
}

/** True for `rock-verify integration IMAGE`. */
export function verifiesImage(tool: string, args: readonly string[]): boolean {
  return tool === 'rock-verify' && positionals(args)[0] === 'integration';
}
