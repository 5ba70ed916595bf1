import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file's location. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let scratchHome: string | undefined;

/** ROCK_HOME for a tool run without one: this test process's own directory, never ~/.rock. */
function defaultHome(): string {
  if (scratchHome === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'rock-test-home-'));
    process.on('exit', () => rmSync(made, { recursive: true, force: true }));
    scratchHome = made;
  }
  return scratchHome;
}

/** Result of running one of our built tools. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a built tool (`dist/bin/<tool>.js`, the package's `bin`) as a user would, with its own process, and returns its
 * exit code and output. `npm test` builds before it runs the tests.
 */
export function runTool(
  tool: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): CliRun {
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', `${tool}.js`), ...args], {
    encoding: 'utf8',
    input: options.input,
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1', ROCK_HOME: defaultHome(), ...options.env },
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The four component flags of `rock-image create`, pointing at the built stand-in fixtures. */
export function componentFlags(fixtures: string): string[] {
  return [
    '--init',
    join(fixtures, 'rock-init'),
    '--manager',
    join(fixtures, 'rock-manager'),
    '--agent',
    join(fixtures, 'volcano-agent'),
    '--busybox',
    join(fixtures, 'busybox'),
  ];
}
