import { type Challenge, parseChallenge } from './challenge.js';
import type { Credentials } from './docker-config.js';
import {
  malformedError,
  networkError,
  oversizedError,
  RegistryError,
  type RequestFacts,
  redirectError,
} from './errors.js';
import { isLoopback } from './reference.js';

/** A request body: bytes, or a stream made afresh per send. */
export type RequestBody = Uint8Array | string | AsyncIterable<Uint8Array>;

/** What every request of a {@link RegistrySession} may carry. */
export interface RequestSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path (`/v2/...`) or an absolute URL the registry gave (an upload `Location`). */
  url: string;
  headers?: Record<string, string>;
  /** Makes the body afresh: a request answered 401 is sent again after authenticating. */
  body?: () => RequestBody;
  /** The token scope this request needs, e.g. `repository:rock/busybox:pull,push`. */
  scope: string;
  /** Follow up to `maxRedirects` redirects (blob GETs may be sent to storage); others refuse them. */
  followRedirects?: boolean;
}

/** Options of {@link RegistrySession}. */
export interface SessionOptions {
  credentials?: Credentials;
  /** Plain http even off loopback (also for the token realm). */
  insecure?: boolean;
  maxRedirects?: number;
  /** The fetch to use; tests never replace it (they put a proxy of their own in front). */
  fetch?: typeof fetch;
}

/** Token replies are small JSON documents; anything bigger is not one. */
const TOKEN_REPLY_LIMIT = 1 << 20;

/**
 * An authenticated conversation with one registry host: answers a `WWW-Authenticate` challenge
 * (anonymous, Basic, Bearer with realm/service/scope) once per scope and resends the request.
 * Credentials and tokens live only in request headers: never in an error, a message or `data`.
 */
export class RegistrySession {
  readonly base: URL;
  readonly host: string;
  private readonly options: SessionOptions;
  private basic = false;
  private readonly tokens = new Map<string, string>();
  private lastToken: string | undefined;
  private readonly doFetch: typeof fetch;

  constructor(host: string, scheme: 'http' | 'https', options: SessionOptions = {}) {
    this.host = host;
    this.base = new URL(`${scheme}://${host}/`);
    this.options = options;
    this.doFetch = options.fetch ?? fetch;
  }

  /** The request's URL resolved against the registry. */
  resolve(url: string): URL {
    return new URL(url, this.base);
  }

  /** The user whose credentials this session sends, for messages (never the password). */
  get username(): string | undefined {
    return this.options.credentials?.username;
  }

  /**
   * Sends one request, authenticating on a 401 challenge and following redirects when allowed.
   * Returns the response whatever its status (the caller knows which ones it expects), except:
   * OCI_UNREACHABLE (no answer), OCI_CREDENTIALS_REQUIRED / OCI_CREDENTIALS_REFUSED (a 401 that
   * credentials did not or could not cure), OCI_REDIRECT.
   */
  async request(spec: RequestSpec): Promise<Response> {
    let url = this.resolve(spec.url);
    const facts = (): RequestFacts => ({ host: this.host, method: spec.method, path: url.pathname });
    let authenticated = false;
    let redirects = 0;
    for (;;) {
      const headers: Record<string, string> = { ...(spec.headers ?? {}) };
      const sameOrigin = url.origin === this.base.origin;
      const authorization = sameOrigin ? this.authorization(spec.scope) : undefined;
      if (authorization !== undefined) headers.authorization = authorization;
      const body = spec.body?.();
      let response: Response;
      try {
        response = await this.doFetch(url, {
          method: spec.method,
          headers,
          body: body as RequestInit['body'],
          redirect: 'manual',
          ...(body !== undefined ? { duplex: 'half' } : {}),
        } as RequestInit);
      } catch (error) {
        throw networkError(facts(), error);
      }
      if (response.status === 401 && sameOrigin) {
        await discard(response);
        if (authenticated) throw this.refused(facts(), response.headers.get('www-authenticate'));
        await this.authenticate(
          parseChallenge(response.headers.get('www-authenticate')),
          spec.scope,
          facts(),
        );
        authenticated = true;
        continue;
      }
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = response.headers.get('location');
        await discard(response);
        if (!spec.followRedirects)
          throw redirectError(facts(), response.status, 'not expected for this request');
        if (location === null) throw redirectError(facts(), response.status, 'no Location header');
        redirects += 1;
        if (redirects > (this.options.maxRedirects ?? 5)) {
          throw redirectError(
            facts(),
            response.status,
            `more than ${this.options.maxRedirects ?? 5} redirects`,
          );
        }
        url = new URL(location, url);
        continue;
      }
      return response;
    }
  }

  private authorization(scope: string): string | undefined {
    const token = this.tokens.get(scope) ?? this.lastToken;
    if (token !== undefined) return `Bearer ${token}`;
    const c = this.options.credentials;
    if (this.basic && c !== undefined) {
      return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
    }
    return undefined;
  }

  private refused(facts: RequestFacts, header: string | null): RegistryError {
    const c = this.options.credentials;
    const challenge = parseChallenge(header);
    const data: Record<string, unknown> = { ...facts, status: 401, scheme: challenge?.scheme };
    if (c === undefined) {
      return new RegistryError(
        'OCI_CREDENTIALS_REQUIRED',
        `${this.host}: the registry requires credentials and none are stored for ${this.host} (log in first)`,
        data,
        false,
      );
    }
    return new RegistryError(
      'OCI_CREDENTIALS_REFUSED',
      `${this.host}: credentials of user ${c.username} (from ${c.source}) refused for ${facts.method} ${facts.path}`,
      { ...data, username: c.username, source: c.source },
      false,
    );
  }

  private async authenticate(
    challenge: Challenge | undefined,
    scope: string,
    facts: RequestFacts,
  ): Promise<void> {
    if (challenge === undefined) {
      throw malformedError(facts, 'WWW-Authenticate', 'a 401 without a challenge');
    }
    if (challenge.scheme === 'basic') {
      if (this.options.credentials === undefined || this.basic) throw this.refused(facts, 'Basic');
      this.basic = true;
      return;
    }
    if (challenge.scheme !== 'bearer') {
      throw malformedError(facts, 'WWW-Authenticate', `unsupported scheme ${challenge.scheme}`);
    }
    const wanted = challenge.params.scope ?? scope;
    const token = await this.fetchToken(challenge, wanted, facts);
    this.tokens.set(scope, token);
    this.lastToken = token;
  }

  /** GET realm?service=&scope= (with Basic credentials when we have them): `{token}` or `{access_token}`. */
  private async fetchToken(challenge: Challenge, scope: string, facts: RequestFacts): Promise<string> {
    const realm = challenge.params.realm;
    if (realm === undefined || realm === '')
      throw malformedError(facts, 'WWW-Authenticate', 'Bearer without realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw malformedError(facts, 'WWW-Authenticate', 'realm is not a URL');
    }
    if (
      url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && (isLoopback(url.host) || this.options.insecure))
    ) {
      throw malformedError(facts, 'WWW-Authenticate', `realm ${url.origin}: expected https`);
    }
    if (challenge.params.service !== undefined) url.searchParams.set('service', challenge.params.service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const tokenFacts: RequestFacts = { host: url.host, method: 'GET', path: url.pathname };
    const headers: Record<string, string> = {};
    const c = this.options.credentials;
    if (c !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
    }
    let response: Response;
    try {
      response = await this.doFetch(url, { headers, redirect: 'manual' });
    } catch (error) {
      throw networkError(tokenFacts, error);
    }
    if (response.status === 401 || response.status === 403) {
      await discard(response);
      throw this.refused(facts, 'Bearer');
    }
    const text = await readLimited(response, TOKEN_REPLY_LIMIT, tokenFacts, 'token reply');
    if (response.status !== 200) {
      throw new RegistryError(
        'OCI_TOKEN_FAILED',
        `${tokenFacts.host}: token for ${scope}: expected HTTP 200, got ${response.status}`,
        { ...tokenFacts, status: response.status },
        response.status >= 500,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw malformedError(tokenFacts, 'token reply', 'expected JSON');
    }
    const token =
      (parsed as { token?: unknown }).token ?? (parsed as { access_token?: unknown }).access_token;
    if (typeof token !== 'string' || token === '') {
      throw malformedError(tokenFacts, 'token reply', 'expected a string field token or access_token');
    }
    return token;
  }
}

/** Reads a whole (small) body as text, refusing one longer than `limit` bytes as it arrives. */
export async function readLimited(
  response: Response,
  limit: number,
  facts: RequestFacts,
  what: string,
): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await discard(response);
    throw oversizedError(facts, what, limit);
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await reader.read();
    } catch (error) {
      throw networkError(facts, error);
    }
    if (next.done) break;
    total += next.value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw oversizedError(facts, what, limit);
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Drops a body we do not read, so the connection can be reused. */
export async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already closed: nothing to free.
  }
}
