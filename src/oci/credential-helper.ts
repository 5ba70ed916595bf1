/**
 * docker's credential helpers (`credsStore`, `credHelpers` in config.json): the program
 * `docker-credential-NAME` on PATH, spoken to as docker does — `get` and `erase` with the server
 * on stdin, `store` with `{"ServerURL","Username","Secret"}` on stdin, answers as JSON on stdout.
 * Secrets pass through pipes only: never argv, never a message (a helper's own output is not quoted
 * back either, since it may hold one).
 */
import { spawnSync } from 'node:child_process';
import { ociInputError } from './errors.js';

/** What a helper holds for a server. `<token>` as the user means `secret` is an identity token. */
export interface HelperCredentials {
  username: string;
  secret: string;
}

/** The helper's program name: `docker-credential-` + the name in config.json. */
export function helperProgram(name: string): string {
  return `docker-credential-${name}`;
}

// docker-credential-helpers' own words for "nothing stored" (credentials.ErrCredentialsNotFound).
const NOT_FOUND = /credentials not found/i;
// A helper may ask for a passphrase (pass, gpg): generous, but never forever.
const HELPER_TIMEOUT_MS = 120_000;

/** Runs `helper verb` with `input` on stdin; stdout on success. Refuses (exit 2) a failing helper. */
function run(
  name: string,
  verb: 'get' | 'store' | 'erase',
  input: string,
  env: Readonly<NodeJS.ProcessEnv>,
  source: string,
): { ok: true; stdout: string } | { ok: false; notFound: boolean } {
  const program = helperProgram(name);
  const result = spawnSync(program, [verb], {
    input,
    env: { ...env },
    encoding: 'utf8',
    timeout: HELPER_TIMEOUT_MS,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const data = { path: source, helper: program, verb };
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found on PATH' : code === 'ETIMEDOUT' ? 'timed out' : code;
    throw ociInputError('DOCKER_CREDENTIAL_HELPER_FAILED', `${source}: ${program} ${verb}: ${why}`, data);
  }
  if (result.status === 0) return { ok: true, stdout: result.stdout };
  if (NOT_FOUND.test(result.stdout) || NOT_FOUND.test(result.stderr)) return { ok: false, notFound: true };
  throw ociInputError(
    'DOCKER_CREDENTIAL_HELPER_FAILED',
    `${source}: ${program} ${verb}: exited ${result.status ?? result.signal}`,
    data,
  );
}

/** The credentials `name` holds for `server`, or undefined when it holds none. */
export function helperGet(
  name: string,
  server: string,
  env: Readonly<NodeJS.ProcessEnv>,
  source: string,
): HelperCredentials | undefined {
  const result = run(name, 'get', server, env, source);
  if (!result.ok) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    parsed = undefined;
  }
  const reply = parsed as { Username?: unknown; Secret?: unknown } | undefined;
  if (typeof reply !== 'object' || reply === null || typeof reply.Secret !== 'string') {
    throw ociInputError(
      'DOCKER_CREDENTIAL_HELPER_FAILED',
      `${source}: ${helperProgram(name)} get: expected JSON with Username and Secret`,
      { path: source, helper: helperProgram(name), verb: 'get' },
    );
  }
  const username = typeof reply.Username === 'string' ? reply.Username : '';
  if (username === '' && reply.Secret === '') return undefined;
  return { username, secret: reply.Secret };
}

/** Stores `username`/`secret` for `server` in helper `name`. */
export function helperStore(
  name: string,
  server: string,
  credentials: HelperCredentials,
  env: Readonly<NodeJS.ProcessEnv>,
  source: string,
): void {
  const input = JSON.stringify({
    ServerURL: server,
    Username: credentials.username,
    Secret: credentials.secret,
  });
  const result = run(name, 'store', input, env, source);
  if (!result.ok) {
    throw ociInputError(
      'DOCKER_CREDENTIAL_HELPER_FAILED',
      `${source}: ${helperProgram(name)} store: refused`,
      {
        path: source,
        helper: helperProgram(name),
        verb: 'store',
      },
    );
  }
}

/** Erases what helper `name` holds for `server`; false when it held nothing. */
export function helperErase(
  name: string,
  server: string,
  env: Readonly<NodeJS.ProcessEnv>,
  source: string,
): boolean {
  return run(name, 'erase', server, env, source).ok;
}
