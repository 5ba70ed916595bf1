import fs from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { makeDirs } from '../util/make-dirs.js';
import { ociInputError } from './errors.js';

/** A user name and password for one registry host. Never printed: show `username` and `source` only. */
export interface Credentials {
  username: string;
  password: string;
  /** The config file they came from. */
  source: string;
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
  return parsed as ConfigJson;
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
  const auths = readConfig(file).auths ?? {};
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

/**
 * Stores `username`/`password` for `host` in the config file, replacing only `auths[host]` and keeping
 * every other key; written to a temporary file and renamed (mode 0600). Returns the file written.
 */
export async function storeCredentials(
  host: string,
  username: string,
  password: string,
  env: Readonly<NodeJS.ProcessEnv>,
): Promise<string> {
  const file = dockerConfigPath(env);
  const config = readConfig(file);
  const auths = { ...(config.auths ?? {}) };
  auths[host] = {
    ...(auths[host] ?? {}),
    auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64'),
  };
  makeDirs(path.dirname(file), 0o700);
  await writeFileAtomic(file, `${JSON.stringify({ ...config, auths }, null, '\t')}\n`, { mode: 0o600 });
  return file;
}

/**
 * Removes the entry of `host` (under any key docker may have used), keeping everything else.
 * Returns whether there was one; a missing file is "nothing to remove".
 */
export async function removeCredentials(host: string, env: Readonly<NodeJS.ProcessEnv>): Promise<boolean> {
  const file = dockerConfigPath(env);
  const config = readConfig(file);
  const auths = { ...(config.auths ?? {}) };
  let removed = false;
  for (const key of candidateKeys(host)) {
    if (key in auths) {
      delete auths[key];
      removed = true;
    }
  }
  if (!removed) return false;
  await writeFileAtomic(file, `${JSON.stringify({ ...config, auths }, null, '\t')}\n`, { mode: 0o600 });
  return true;
}
