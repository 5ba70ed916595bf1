import fs from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../cli/context.js';
import {
  downloadBlobs,
  type FetchedManifest,
  formatReference,
  openClient,
  type Reference,
} from '../oci/index.js';
import { makeDirs } from '../util/make-dirs.js';
import {
  ANNOTATIONS,
  ARTIFACT_TYPES,
  componentAnnotations,
  componentFromManifest,
  LAYER_TYPES,
} from './annotations.js';
import { blobFile, openBlobs, scratchDir, storeBlob } from './blobs.js';
import { copyAtomic } from './copy-atomic.js';
import { withCatalogue } from './open.js';
import { type PushReport, parsePullSource, parsePushTarget, type RemoteOptions } from './references.js';
import type { Component, ComponentId } from './types.js';

/**
 * Pushes a catalogued component (its bytes from rock-cache's store) as an OCI artifact
 * (`artifactType` {@link ARTIFACT_TYPES.component}) under `target`'s tag, default its version.
 *
 * @example
 * await pushComponent({ name: 'busybox', version: '1.36.1', target: 'oci://127.0.0.1:5000/rock/busybox' }, context);
 */
export async function pushComponent(
  options: ComponentId & RemoteOptions & { target: string },
  context: CommandContext,
): Promise<PushReport> {
  const component = await withCatalogue(context, (c) => c.get(options));
  const ref = parsePushTarget(options.target, component.version, options.insecure);
  const file = blobFile(openBlobs(context), component, component.digest);
  const client = openClient(ref, { env: context.env, insecure: options.insecure });
  const result = await client.pushArtifact(
    ref.repository,
    {
      artifactType: ARTIFACT_TYPES.component,
      layers: [
        {
          path: file,
          digest: component.digest,
          size: component.size,
          mediaType: LAYER_TYPES.file,
          annotations: componentAnnotations(component, context.env),
        },
      ],
      annotations: { [ANNOTATIONS.name]: component.name, [ANNOTATIONS.version]: component.version },
    },
    ref.tag,
  );
  return {
    reference: formatReference(ref),
    digest: result.digest,
    uploaded: result.uploaded,
    skipped: result.skipped,
  };
}

/** What a pull did. */
export interface PullReport {
  reference: string;
  digest: string;
  component: Component;
  /** The file written under `to`, if asked. */
  file?: string;
}

async function fetchManifest(ref: Reference, context: CommandContext, insecure?: boolean) {
  const client = openClient(ref, { env: context.env, insecure });
  const fetched = await client.getManifest(ref.repository, ref.digest ?? (ref.tag as string));
  return { client, fetched };
}

/** Components are programs (0755); kernels and images are data (0644). OCI layers carry no mode. */
function fileMode(component: Component): number {
  return component.type === 'component' ? 0o755 : 0o644;
}

/**
 * Pulls a component artifact: every byte checked against its digest while streaming, then stored in
 * rock-cache and catalogued from the layer's annotations; with `to`, its file is also written there
 * under its title. A blob that does not match writes nothing (OCI_DIGEST_MISMATCH, exit 1).
 */
export async function pullComponent(
  options: RemoteOptions & { source: string; to?: string },
  context: CommandContext,
): Promise<PullReport> {
  const ref = parsePullSource(options.source, options.insecure);
  const { client, fetched } = await fetchManifest(ref, context, options.insecure);
  const { component, layer } = componentFromManifest(fetched.manifest);
  const cache = openBlobs(context);
  const work = scratchDir(cache);
  try {
    const downloaded = path.join(work, 'blob');
    await downloadBlobs(client.session, ref.repository, [
      { descriptor: layer, path: downloaded, name: component.file },
    ]);
    fs.chmodSync(downloaded, fileMode(component));
    await storeBlob(cache, component, downloaded);
    const stored = await withCatalogue(context, (c) => c.add(component));
    const report: PullReport = { reference: formatReference(ref), digest: fetched.digest, component: stored };
    if (options.to !== undefined) {
      const dir = path.resolve(context.cwd, options.to);
      makeDirs(dir);
      report.file = path.join(dir, component.file);
      await copyAtomic(downloaded, report.file, fileMode(component));
    }
    return report;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** What {@link inspectArtifact} returns: the manifest as served, with its digest. */
export interface InspectReport {
  reference: string;
  digest: string;
  size: number;
  manifest: FetchedManifest['manifest'];
}

/** The manifest (and its annotations) a reference names, read with the OCI Accept header. */
export async function inspectArtifact(
  options: RemoteOptions & { source: string },
  context: CommandContext,
): Promise<InspectReport> {
  const ref = parsePullSource(options.source, options.insecure);
  const { fetched } = await fetchManifest(ref, context, options.insecure);
  return {
    reference: formatReference(ref),
    digest: fetched.digest,
    size: fetched.bytes.length,
    manifest: fetched.manifest,
  };
}
