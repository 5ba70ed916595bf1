import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy saw. */
export interface SeenRequest {
  method: string;
  path: string;
  /** Body bytes received from the client. */
  bytes: number;
  /** The Content-Length the client declared, if any. */
  declared?: number;
}

/** Options of {@link startRegistryProxy}. */
export interface ProxyOptions {
  /** The registry behind the proxy, e.g. `http://127.0.0.1:5000`. */
  upstream: string;
  /**
   * Decides per request whether to cut it: a number N lets N body bytes through, then drops both
   * connections (the client sees a reset mid-upload, the registry a truncated body).
   */
  cut?: (request: SeenRequest, index: number) => number | undefined;
  /** Answers a request itself (status and headers, empty body) instead of forwarding it. */
  fake?: (request: SeenRequest) => { status: number; headers?: Record<string, string> } | undefined;
  /** Act as a token-auth front: Bearer challenges, tokens from `/token` for this Basic account. */
  bearer?: { username: string; password: string };
}

/** A running proxy. */
export interface RegistryProxy {
  url: string;
  host: string;
  requests: SeenRequest[];
  /** Scopes tokens were issued for (bearer mode). */
  tokenScopes: string[];
  close(): Promise<void>;
}

/** pull for reads, pull,push for writes: what distribution's token auth asks for. */
function neededScope(method: string, path: string): string | undefined {
  const m = /^\/v2\/(.+?)\/(?:blobs|manifests|tags)\//.exec(path);
  if (!m) return undefined;
  return `repository:${m[1]}:${method === 'GET' || method === 'HEAD' ? 'pull' : 'pull,push'}`;
}

function grants(scopes: string[], needed: string): boolean {
  const [type, name, actions] = needed.split(':');
  return (actions ?? '').split(',').every((action) =>
    scopes.some((s) => {
      const [t, n, a] = s.split(':');
      return t === type && n === name && (a ?? '').split(',').includes(action);
    }),
  );
}

/**
 * A test's own HTTP proxy on 127.0.0.1 in front of a real registry: it records every request (to
 * count what a client sends), can cut a request mid-body (to prove whole-blob retries), and can play
 * a token server (to prove the Bearer challenge flow against a real registry behind it).
 */
export async function startRegistryProxy(options: ProxyOptions): Promise<RegistryProxy> {
  const upstream = new URL(options.upstream);
  const requests: SeenRequest[] = [];
  const tokens = new Map<string, string[]>();
  const tokenScopes: string[] = [];
  let host = '';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, bytes: 0 };
    if (req.headers['content-length'] !== undefined) seen.declared = Number(req.headers['content-length']);
    const index = requests.length;
    requests.push(seen);

    if (options.bearer && url.pathname === '/token') {
      const expected = `Basic ${Buffer.from(`${options.bearer.username}:${options.bearer.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        return;
      }
      const scopes = url.searchParams.getAll('scope');
      const token = randomBytes(16).toString('hex');
      tokens.set(token, scopes);
      tokenScopes.push(...scopes);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (options.bearer) {
      const needed = neededScope(seen.method, url.pathname);
      const auth = req.headers.authorization ?? '';
      const granted = auth.startsWith('Bearer ') ? tokens.get(auth.slice(7)) : undefined;
      if (granted === undefined || (needed !== undefined && !grants(granted, needed))) {
        req.resume();
        const scope = needed ? `,scope="${needed}"` : '';
        res
          .writeHead(401, {
            'www-authenticate': `Bearer realm="http://${host}/token",service="rock-test"${scope}`,
            'content-type': 'application/json',
          })
          .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
    }

    const faked = options.fake?.(seen);
    if (faked) {
      req.resume();
      res.writeHead(faked.status, faked.headers ?? {}).end();
      return;
    }
    const headers = { ...req.headers };
    if (options.bearer) delete headers.authorization;
    const forward = http.request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    });
    forward.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    const cutAt = options.cut?.(seen, index);
    req.on('data', (chunk: Buffer) => {
      if (cutAt !== undefined && seen.bytes + chunk.length >= cutAt) {
        forward.write(chunk.subarray(0, Math.max(0, cutAt - seen.bytes)));
        seen.bytes = cutAt;
        forward.destroy();
        req.socket.destroy();
        return;
      }
      seen.bytes += chunk.length;
      forward.write(chunk);
    });
    req.on('end', () => forward.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}`,
    host,
    requests,
    tokenScopes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
