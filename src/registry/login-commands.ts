import type { CommandContext } from '../cli/context.js';
import { InputError } from '../errors/index.js';
import {
  checkLogin,
  dockerConfigPath,
  isLoopback,
  removeCredentials,
  storeCredentials,
} from '../oci/index.js';
import type { RemoteOptions } from './references.js';

/** Options of {@link login}. The password comes from stdin (the CLI reads it), never from argv. */
export interface LoginOptions extends RemoteOptions {
  host: string;
  username: string;
  password: string;
}

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

function checkHost(host: string): void {
  if (!HOST.test(host)) {
    throw new InputError('OCI_BAD_HOST', `host: expected HOST[:PORT], got ${JSON.stringify(host)}`, {
      field: 'host',
    });
  }
}

/**
 * Checks the credentials against the registry (`GET /v2/`), then stores them where docker would: the
 * credential helper config.json names for the host, else its `auths[host]` (other keys kept, 0600). Refused credentials write nothing
 * (OCI_CREDENTIALS_REFUSED). Returns the file written and the user, never the password.
 */
export async function login(
  options: LoginOptions,
  context: CommandContext,
): Promise<{ host: string; username: string; file: string; helper?: string }> {
  checkHost(options.host);
  if (options.username === '' || options.username.includes(':')) {
    throw new InputError('OCI_BAD_USERNAME', 'username: expected a non-empty name without ":"', {
      field: 'username',
    });
  }
  if (options.password === '')
    throw new InputError('OCI_EMPTY_PASSWORD', 'password: expected a password on stdin, got none', {
      field: 'password',
    });
  const scheme = isLoopback(options.host) || options.insecure ? 'http' : 'https';
  await checkLogin(
    options.host,
    scheme,
    { username: options.username, password: options.password, source: 'the password given on stdin' },
    options.insecure,
  );
  const stored = await storeCredentials(options.host, options.username, options.password, context.env);
  return { host: options.host, username: options.username, ...stored };
}

/** Removes the stored credentials of `host`; says whether there were any. */
export async function logout(
  options: { host: string },
  context: CommandContext,
): Promise<{ host: string; removed: boolean; file: string }> {
  checkHost(options.host);
  const removed = await removeCredentials(options.host, context.env);
  return { host: options.host, removed, file: dockerConfigPath(context.env) };
}
