import { ociInputError } from './errors.js';

/** A parsed `oci://HOST[:PORT]/REPO[:TAG|@sha256:HEX]`. */
export interface Reference {
  /** `host` or `host:port`, as credentials are keyed in docker's config.json. */
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** `http` only for loopback or when asked for (`insecure`); `https` otherwise. */
  scheme: 'http' | 'https';
}

/** Options of {@link parseReference}. */
export interface ReferenceOptions {
  /** Allow plain http to a host that is not loopback. */
  insecure?: boolean;
  /** Refuse a reference without a tag or digest. */
  requireTarget?: boolean;
}

// The distribution spec's grammar (distribution/reference/regexp.go, OCI distribution-spec "pull").
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** True for 127.0.0.0/8, `localhost` and `[::1]` (with or without a port). */
export function isLoopback(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name ?? '');
}

/**
 * Parses an `oci://` reference. Refuses (InputError OCI_BAD_REFERENCE, naming the part) another scheme,
 * a host, repository, tag or digest outside the distribution grammar, and (with `requireTarget`) a
 * reference with neither tag nor digest.
 *
 * @example
 * parseReference('oci://127.0.0.1:5000/rock/busybox:1.36'); // { host: '127.0.0.1:5000', repository: 'rock/busybox', tag: '1.36', scheme: 'http' }
 */
export function parseReference(text: string, options: ReferenceOptions = {}): Reference {
  const bad = (part: string, expected: string): never => {
    throw ociInputError('OCI_BAD_REFERENCE', `${text}: ${part}: expected ${expected}`, {
      reference: text,
      part,
    });
  };
  if (!text.startsWith('oci://')) bad('scheme', 'oci://HOST[:PORT]/REPO[:TAG|@sha256:HEX]');
  const rest = text.slice('oci://'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) bad('repository', 'HOST/REPO');
  const host = rest.slice(0, slash);
  if (!HOST.test(host)) bad('host', 'a host name or address with an optional :PORT');
  let path = rest.slice(slash + 1);
  let digest: string | undefined;
  let tag: string | undefined;
  const at = path.indexOf('@');
  if (at >= 0) {
    digest = path.slice(at + 1);
    path = path.slice(0, at);
    if (!DIGEST.test(digest)) bad('digest', 'sha256: and 64 lower-case hex digits');
  }
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) bad('tag', 'up to 128 of [A-Za-z0-9_.-], not starting with . or -');
  }
  if (!REPOSITORY.test(path) || path.length > 255) {
    bad('repository', 'lower-case components [a-z0-9] joined by ., _, __ or - and separated by /');
  }
  if (options.requireTarget && tag === undefined && digest === undefined) bad('tag', ':TAG or @sha256:HEX');
  const scheme = isLoopback(host) || options.insecure ? 'http' : 'https';
  const ref: Reference = { host, repository: path, scheme };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** Formats a reference back to `oci://HOST/REPO[:TAG][@DIGEST]`. */
export function formatReference(ref: Pick<Reference, 'host' | 'repository' | 'tag' | 'digest'>): string {
  return `oci://${ref.host}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
