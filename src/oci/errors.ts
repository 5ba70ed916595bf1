import { CheckError, InputError, ToolError } from '../errors/index.js';

/** One entry of a registry's JSON error body (`{"errors":[{"code","message","detail"}]}`). */
export interface RegistryErrorEntry {
  code: string;
  message: string;
  detail?: unknown;
}

/** What a failed registry request was: never a header, a token or a credential. */
export interface RequestFacts {
  host: string;
  method: string;
  /** The URL path, without its query (upload URLs carry opaque `_state`). */
  path: string;
}

/**
 * A registry answered, or failed to answer, in a way this client cannot use. `retryable` says whether
 * trying the whole operation again may help (a dropped connection, 5xx, 429, a broken upload session).
 */
export class RegistryError extends ToolError {
  readonly retryable: boolean;
  constructor(
    code: string,
    message: string,
    data: Record<string, unknown>,
    retryable: boolean,
    exitCode: 1 | 2 = 2,
  ) {
    super(code, message, data, exitCode);
    this.name = 'RegistryError';
    this.retryable = retryable;
  }
}

/** Codes of the distribution spec that one retry of the whole blob can cure. */
const RETRYABLE_CODES = new Set([
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'TOOMANYREQUESTS',
  'UNAVAILABLE',
]);

function where(facts: RequestFacts): string {
  return `${facts.host}: ${facts.method} ${facts.path}`;
}

/** Parses a registry error body; `undefined` when it is not the spec's JSON shape. */
export function parseErrorBody(text: string): RegistryErrorEntry[] | undefined {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(list)) return undefined;
  const out: RegistryErrorEntry[] = [];
  for (const e of list) {
    if (typeof e !== 'object' || e === null) continue;
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    out.push({
      code: typeof code === 'string' ? code : 'UNKNOWN',
      message: typeof message === 'string' ? message : '',
      detail: (e as { detail?: unknown }).detail,
    });
  }
  return out;
}

/** The typed error for an unexpected status, named after the first JSON error code when there is one. */
export function statusError(
  facts: RequestFacts,
  status: number,
  bodyText: string,
  expected: string,
): RegistryError {
  const entries = parseErrorBody(bodyText);
  const first = entries?.[0];
  const data: Record<string, unknown> = { ...facts, status, expected };
  if (entries !== undefined) data.errors = entries;
  else if (bodyText.trim() !== '') data.body = bodyText.slice(0, 200);
  const retryable =
    status >= 500 || status === 429 || (entries ?? []).some((e) => RETRYABLE_CODES.has(e.code));
  const detail = first ? `${first.code}${first.message ? ` (${first.message})` : ''}` : `HTTP ${status}`;
  if (status === 401) {
    return new RegistryError('OCI_UNAUTHORIZED', `${where(facts)}: unauthorized: ${detail}`, data, false);
  }
  if (status === 403)
    return new RegistryError('OCI_DENIED', `${where(facts)}: denied: ${detail}`, data, false);
  if (status === 404) {
    return new RegistryError('OCI_NOT_FOUND', `${where(facts)}: not found: ${detail}`, data, false);
  }
  return new RegistryError(
    first ? `OCI_${first.code}` : 'OCI_HTTP_STATUS',
    `${where(facts)}: expected ${expected}, got HTTP ${status}${first ? `: ${detail}` : ''}`,
    data,
    retryable,
  );
}

/** The connection failed (refused, reset, cut mid-body): retryable. */
export function networkError(facts: RequestFacts, cause: unknown): RegistryError {
  const reason = causeText(cause);
  return new RegistryError(
    'OCI_UNREACHABLE',
    `${where(facts)}: no answer: ${reason}`,
    { ...facts, reason },
    true,
  );
}

function causeText(cause: unknown): string {
  let e: unknown = cause;
  // undici wraps the socket error: TypeError('fetch failed', { cause: Error('other side closed') }).
  for (let i = 0; i < 3 && e instanceof Error && e.cause !== undefined; i += 1) e = e.cause;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** A body that is not the JSON it must be (manifest, token reply). */
export function malformedError(facts: RequestFacts, what: string, why: string): RegistryError {
  return new RegistryError(
    'OCI_MALFORMED_RESPONSE',
    `${where(facts)}: ${what}: ${why}`,
    { ...facts, what },
    false,
  );
}

/** A reply body larger than this client accepts. */
export function oversizedError(facts: RequestFacts, what: string, limit: number): RegistryError {
  return new RegistryError(
    'OCI_RESPONSE_TOO_LARGE',
    `${where(facts)}: ${what}: expected at most ${limit} bytes, got more`,
    { ...facts, what, limit },
    false,
  );
}

/** A redirect where none is allowed, or too many of them. */
export function redirectError(facts: RequestFacts, status: number, why: string): RegistryError {
  return new RegistryError(
    'OCI_REDIRECT',
    `${where(facts)}: HTTP ${status} redirect: ${why}`,
    { ...facts, status },
    false,
  );
}

/** A blob whose bytes do not hash to its digest: nothing was written. */
export function digestMismatch(
  blob: string,
  expected: string,
  actual: string,
  data: Record<string, unknown> = {},
): CheckError {
  return new CheckError('OCI_DIGEST_MISMATCH', `blob ${blob}: digest: expected ${expected}, got ${actual}`, {
    ...data,
    blob,
    expected,
    actual,
  });
}

/** An input of ours (reference, credentials file) is unusable. */
export function ociInputError(code: string, message: string, data: Record<string, unknown> = {}): InputError {
  return new InputError(code, message, data);
}
