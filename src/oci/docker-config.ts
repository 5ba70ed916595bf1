import fs from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { makeDirs } from '../util/make-dirs.js';
import { helperErase, helperGet, helperProgram, helperStore } from './credential-helper.js';
import { ociInputError } from './errors.js';

/** A user name and password for one registry host. Never printed: show `username` and `source` only. */
export interface Credentials {
  username: string;
  password: string;
  /** Where they came from: the config file, or `docker-credential-NAME (FILE)`. */
  source: string;
}

/** Where {@link storeCredentials} put the credentials. */
export interface StoredCredentials {
  /** The config file (written in both cases: a helper's host keeps an empty `auths` entry, as docker does). */
  file: string;
  /** The credential helper that holds the password, when config.json names one for the host. */
  helper?: string;
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (docker, oras, crane and skopeo agree). */
export function dockerConfigPath(env: Readonly<NodeJS.ProcessEnv>): string {
  const dir = env.DOCKER_CONFIG;
  if (dir !== undefined && dir !== '') return path.join(dir, 'config.json');
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  return path.join(home, '.docker', 'config.json');
}

type ConfigJson = Record<string, unknown> & {
  auths?: Record<string, { auth?: string } & Record<string, unknown>>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
};

function readConfig(file: string): ConfigJson {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw ociInputError(
      'DOCKER_CONFIG_UNREADABLE',
      `${file}: cannot read: ${(error as NodeJS.ErrnoException).code}`,
      {
        path: file,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw ociInputError('DOCKER_CONFIG_INVALID', `${file}: expected JSON, found malformed text`, {
      path: file,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw ociInputError('DOCKER_CONFIG_INVALID', `${file}: expected a JSON object`, { path: file });
  }
  const auths = (parsed as ConfigJson).auths;
  if (auths !== undefined && (typeof auths !== 'object' || auths === null || Array.isArray(auths))) {
    throw ociInputError('DOCKER_CONFIG_INVALID', `${file}: auths: expected an object`, {
      path: file,
      field: 'auths',
    });
  }
  const { credsStore, credHelpers } = parsed as ConfigJson;
  if (credsStore !== undefined && typeof credsStore !== 'string') {
    throw ociInputError('DOCKER_CONFIG_INVALID', `${file}: credsStore: expected a helper name`, {
      path: file,
      field: 'credsStore',
    });
  }
  if (
    credHelpers !== undefined &&
    (typeof credHelpers !== 'object' ||
      credHelpers === null ||
      Array.isArray(credHelpers) ||
      Object.values(credHelpers).some((v) => typeof v !== 'string'))
  ) {
    throw ociInputError('DOCKER_CONFIG_INVALID', `${file}: credHelpers: expected an object of helper names`, {
      path: file,
      field: 'credHelpers',
    });
  }
  return parsed as ConfigJson;
}

/** The helper docker would use for `host`: `credHelpers[host]`, else `credsStore`, else none. */
function helperFor(config: ConfigJson, host: string): string | undefined {
  const named = config.credHelpers?.[host];
  if (named !== undefined && named !== '') return named;
  return config.credsStore !== undefined && config.credsStore !== '' ? config.credsStore : undefined;
}

/** The keys docker itself may have used for `host` (it once stored full URLs). */
function candidateKeys(host: string): string[] {
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v2/`, `https://${host}/v1/`];
}

/**
 * The credentials stored for `host` (`auths[host].auth`, base64 `user:pass`), or `undefined`.
 * Refuses (exit 2) a config file that is not JSON or an entry that does not decode to `user:pass`;
 * the message names the file and host, never the secret.
 */
export function readCredentials(host: string, env: Readonly<NodeJS.ProcessEnv>): Credentials | undefined {
  const file = dockerConfigPath(env);
  const config = readConfig(file);
  const helper = helperFor(config, host);
  // As docker: with a helper for the host, the helper alone holds its credentials.
  if (helper !== undefined) return fromHelper(helper, host, env, file);
  const auths = config.auths ?? {};
  for (const key of candidateKeys(host)) {
    const entry = auths[key];
    if (entry === undefined || typeof entry.auth !== 'string' || entry.auth === '') continue;
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw ociInputError(
        'DOCKER_CONFIG_INVALID',
        `${file}: auths.${key}.auth: expected base64 of user:password`,
        {
          path: file,
          field: `auths.${key}.auth`,
        },
      );
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: file };
  }
  return undefined;
}

function fromHelper(
  helper: string,
  host: string,
  env: Readonly<NodeJS.ProcessEnv>,
  file: string,
): Credentials | undefined {
  const found = helperGet(helper, host, env, file);
  if (found === undefined) return undefined;
  if (found.username === '<token>') {
    // An OAuth2 refresh token (docker login through a browser): not a password a registry takes.
    throw ociInputError(
      'DOCKER_CREDENTIAL_HELPER_FAILED',
      `${file}: ${helperProgram(helper)} holds an identity token for ${host}, not a user name and password: log in with a password (rock-registry login ${host})`,
      { path: file, helper: helperProgram(helper), verb: 'get' },
    );
  }
  return { username: found.username, password: found.secret, source: `${helperProgram(helper)} (${file})` };
}

/**
 * Stores `username`/`password` for `host`: in the credential helper config.json names for the host
 * (the file then keeps an empty `auths[host]`, as docker writes it), else as `auths[host].auth`.
 * Only that entry changes; every other key is kept; the file is written to a temporary file and
 * renamed (mode 0600).
 */
export async function storeCredentials(
  host: string,
  username: string,
  password: string,
  env: Readonly<NodeJS.ProcessEnv>,
): Promise<StoredCredentials> {
  const file = dockerConfigPath(env);
  const config = readConfig(file);
  const helper = helperFor(config, host);
  const auths = { ...(config.auths ?? {}) };
  if (helper !== undefined) {
    helperStore(helper, host, { username, secret: password }, env, file);
    const { auth: _dropped, ...rest } = auths[host] ?? {};
    auths[host] = rest;
  } else {
    auths[host] = {
      ...(auths[host] ?? {}),
      auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64'),
    };
  }
  makeDirs(path.dirname(file), 0o700);
  await writeFileAtomic(file, `${JSON.stringify({ ...config, auths }, null, '\t')}\n`, { mode: 0o600 });
  return helper === undefined ? { file } : { file, helper: helperProgram(helper) };
}

/**
 * Removes the entry of `host` (under any key docker may have used) and erases it from the host's
 * credential helper, keeping everything else.
 * Returns whether there was one; a missing file is "nothing to remove".
 */
export async function removeCredentials(host: string, env: Readonly<NodeJS.ProcessEnv>): Promise<boolean> {
  const file = dockerConfigPath(env);
  const config = readConfig(file);
  const auths = { ...(config.auths ?? {}) };
  const helper = helperFor(config, host);
  const erased = helper !== undefined && helperErase(helper, host, env, file);
  let changed = false;
  for (const key of candidateKeys(host)) {
    if (key in auths) {
      delete auths[key];
      changed = true;
    }
  }
  if (changed) {
    await writeFileAtomic(file, `${JSON.stringify({ ...config, auths }, null, '\t')}\n`, { mode: 0o600 });
  }
  return erased || changed;
}
