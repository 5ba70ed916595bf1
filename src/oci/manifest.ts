import { createHash } from 'node:crypto';
import { malformedError, type RequestFacts } from './errors.js';

/** Media types this client writes and reads. */
export const MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  empty: 'application/vnd.oci.empty.v1+json',
} as const;

/** The Accept header of every manifest read: distribution 2.8 answers 404 without it. */
export const MANIFEST_ACCEPT = MEDIA_TYPES.manifest;

/** Manifests larger than this are refused (distribution's own limit is 4 MiB). */
export const MANIFEST_LIMIT = 4 * 1024 * 1024;

/** An OCI content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** An OCI image manifest carrying an artifact (`artifactType`, image-spec 1.1). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType: typeof MEDIA_TYPES.manifest;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** The empty config `{}`: 2.8 requires it to exist as a blob in the repository. */
export const EMPTY_CONFIG_BYTES = Buffer.from('{}', 'utf8');
export const EMPTY_CONFIG: Descriptor = {
  mediaType: MEDIA_TYPES.empty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
};

/** `sha256:<hex>` of some bytes. */
export function digestBytes(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function sortedAnnotations(
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (annotations === undefined || Object.keys(annotations).length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const key of Object.keys(annotations).sort()) out[key] = annotations[key] as string;
  return out;
}

function descriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  const annotations = sortedAnnotations(d.annotations);
  if (annotations) out.annotations = annotations;
  return out;
}

/** What {@link buildManifest} needs. */
export interface ManifestSpec {
  artifactType: string;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  subject?: Descriptor;
}

/**
 * Builds an image manifest with the empty config and returns its exact bytes and digest. The same
 * spec gives the same bytes (fixed key order, sorted annotations), so the digest is reproducible.
 */
export function buildManifest(spec: ManifestSpec): {
  manifest: ImageManifest;
  bytes: Buffer;
  digest: string;
} {
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    artifactType: spec.artifactType,
    config: descriptor(EMPTY_CONFIG),
    layers: spec.layers.map(descriptor),
  };
  if (spec.subject) manifest.subject = descriptor(spec.subject);
  const annotations = sortedAnnotations(spec.annotations);
  if (annotations) manifest.annotations = annotations;
  const bytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  return { manifest, bytes, digest: digestBytes(bytes) };
}

function isDescriptor(value: unknown): value is Descriptor {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  const annotations = d.annotations;
  return (
    typeof d.mediaType === 'string' &&
    typeof d.digest === 'string' &&
    /^sha256:[a-f0-9]{64}$/.test(d.digest) &&
    typeof d.size === 'number' &&
    Number.isSafeInteger(d.size) &&
    d.size >= 0 &&
    (annotations === undefined ||
      (typeof annotations === 'object' &&
        annotations !== null &&
        Object.values(annotations).every((v) => typeof v === 'string')))
  );
}

/**
 * Parses manifest bytes: refuses (OCI_MALFORMED_RESPONSE, naming the field) anything that is not an
 * OCI image manifest with sha256 descriptors.
 */
export function parseManifest(text: string, facts: RequestFacts): ImageManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformedError(facts, 'manifest', 'expected JSON');
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw malformedError(facts, 'manifest', 'expected an object');
  const m = parsed as Record<string, unknown>;
  if (m.schemaVersion !== 2) throw malformedError(facts, 'manifest.schemaVersion', 'expected 2');
  if (m.mediaType !== undefined && m.mediaType !== MEDIA_TYPES.manifest) {
    throw malformedError(
      facts,
      'manifest.mediaType',
      `expected ${MEDIA_TYPES.manifest}, got ${String(m.mediaType)}`,
    );
  }
  if (!isDescriptor(m.config)) throw malformedError(facts, 'manifest.config', 'expected a sha256 descriptor');
  if (!Array.isArray(m.layers)) throw malformedError(facts, 'manifest.layers', 'expected an array');
  m.layers.forEach((layer, i) => {
    if (!isDescriptor(layer))
      throw malformedError(facts, `manifest.layers[${i}]`, 'expected a sha256 descriptor');
  });
  if (m.subject !== undefined && !isDescriptor(m.subject)) {
    throw malformedError(facts, 'manifest.subject', 'expected a sha256 descriptor');
  }
  if (m.artifactType !== undefined && typeof m.artifactType !== 'string') {
    throw malformedError(facts, 'manifest.artifactType', 'expected a string');
  }
  return { ...(m as unknown as ImageManifest), mediaType: MEDIA_TYPES.manifest };
}

/** The tag a signature of `digest` lives under (2.8 has no referrers API): `sha256-<hex>.sig`. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}
