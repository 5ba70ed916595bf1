import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the suite keeps its state (kernels, MAC database, caches): `$ROCK_HOME`, default `~/.rock`.
 * The directory is not created here; whoever writes into it creates what it needs.
 */
export function rockHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.ROCK_HOME;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(homedir(), '.rock');
}
