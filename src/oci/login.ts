import type { Credentials } from './docker-config.js';
import { statusError } from './errors.js';
import { discard, RegistrySession, readLimited } from './session.js';

/**
 * Checks credentials against a registry's `/v2/` base before they are stored (as `docker login`
 * does): resolves when the registry accepts them, throws OCI_CREDENTIALS_REFUSED otherwise.
 */
export async function checkLogin(
  host: string,
  scheme: 'http' | 'https',
  credentials: Credentials,
  insecure = false,
): Promise<void> {
  const session = new RegistrySession(host, scheme, { credentials, insecure });
  const response = await session.request({ method: 'GET', url: '/v2/', scope: '' });
  if (response.status === 200) {
    await discard(response);
    return;
  }
  const facts = { host, method: 'GET', path: '/v2/' };
  const text = await readLimited(response, 64 * 1024, facts, 'error body').catch(() => '');
  throw statusError(facts, response.status, text, 'HTTP 200');
}
