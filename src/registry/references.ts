import { InputError } from '../errors/index.js';
import { parseReference, type Reference } from '../oci/index.js';

/** Options every registry-facing command shares. */
export interface RemoteOptions {
  /** Plain http to a host that is not loopback. */
  insecure?: boolean;
}

/** What a push did. */
export interface PushReport {
  reference: string;
  digest: string;
  /** Blob digests sent, and those the registry already had. */
  uploaded: string[];
  skipped: string[];
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** A push target: `oci://HOST/REPO[:TAG]`, the tag defaulting to `fallbackTag`; a digest is refused. */
export function parsePushTarget(
  text: string,
  fallbackTag: string,
  insecure: boolean | undefined,
): Reference & { tag: string } {
  const ref = parseReference(text, insecure ? { insecure } : {});
  if (ref.digest !== undefined) {
    throw new InputError('OCI_BAD_REFERENCE', `${text}: digest: a push names a tag, not a digest`, {
      reference: text,
      part: 'digest',
    });
  }
  const tag = ref.tag ?? fallbackTag;
  if (!TAG.test(tag)) {
    throw new InputError(
      'OCI_BAD_REFERENCE',
      `${text}: tag: expected :TAG (${JSON.stringify(tag)} is not a valid tag)`,
      {
        reference: text,
        part: 'tag',
      },
    );
  }
  return { ...ref, tag };
}

/** A pull source: `oci://HOST/REPO:TAG` or `@sha256:...` (one of them required). */
export function parsePullSource(text: string, insecure: boolean | undefined): Reference {
  return parseReference(text, { requireTarget: true, ...(insecure ? { insecure } : {}) });
}
