import fs from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { CheckError, InputError, ToolError } from '../errors/index.js';
import {
  type Descriptor,
  downloadBlob,
  formatReference,
  MEDIA_TYPES,
  openClient,
  RegistryError,
  signatureTag,
} from '../oci/index.js';
import { SIGNATURE_SUFFIX, verifySignature } from '../security/index.js';
import { fsError } from '../util/fs-errors.js';
import { ANNOTATIONS, ARTIFACT_TYPES, epochAnnotations, LAYER_TYPES, safeTitle } from './annotations.js';
import { type PushReport, parsePullSource, parsePushTarget, type RemoteOptions } from './references.js';

/** What {@link pushImage} did. */
export interface PushImageReport extends PushReport {
  /** The signature artifact (tag `sha256-<hex>.sig`), when `IMAGE.minisig` exists. */
  signature?: { reference: string; digest: string };
}

function regularFile(file: string, field: string): fs.Stats {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw fsError(error, file, 'cannot read', 'INPUT_NOT_FOUND');
  }
  if (!stat.isFile())
    throw new InputError('INPUT_NOT_FILE', `${file}: ${field}: expected a regular file`, {
      path: file,
      field,
    });
  return stat;
}

/**
 * Pushes an image file as an artifact (`artifactType` {@link ARTIFACT_TYPES.image}) and, when
 * `IMAGE.minisig` exists, the signature as a second artifact under `sha256-<manifest hex>.sig`
 * whose `subject` is the image manifest (distribution 2.8 has no referrers API). Tag default `latest`.
 *
 * @example
 * await pushImage({ image: 'out/initrd.img', target: 'oci://127.0.0.1:5000/rock/image:1.0' }, context);
 */
export async function pushImage(
  options: RemoteOptions & { image: string; target: string },
  context: CommandContext,
): Promise<PushImageReport> {
  const image = path.resolve(context.cwd, options.image);
  regularFile(image, 'image');
  const ref = parsePushTarget(options.target, 'latest', options.insecure);
  const client = openClient(ref, { env: context.env, insecure: options.insecure });
  const epoch = epochAnnotations(context.env);
  const pushed = await client.pushArtifact(
    ref.repository,
    {
      artifactType: ARTIFACT_TYPES.image,
      layers: [
        {
          path: image,
          mediaType: LAYER_TYPES.initramfs,
          annotations: { [ANNOTATIONS.title]: path.basename(image), ...epoch },
        },
      ],
      annotations: epoch,
    },
    ref.tag,
  );
  const report: PushImageReport = {
    reference: formatReference(ref),
    digest: pushed.digest,
    uploaded: pushed.uploaded,
    skipped: pushed.skipped,
  };
  const signatureFile = `${image}${SIGNATURE_SUFFIX}`;
  if (fs.existsSync(signatureFile)) {
    regularFile(signatureFile, 'signature');
    const subject: Descriptor = {
      mediaType: MEDIA_TYPES.manifest,
      digest: pushed.digest,
      size: pushed.size,
    };
    const tag = signatureTag(pushed.digest);
    const signed = await client.pushArtifact(
      ref.repository,
      {
        artifactType: ARTIFACT_TYPES.signature,
        layers: [
          {
            path: signatureFile,
            mediaType: LAYER_TYPES.minisign,
            annotations: { [ANNOTATIONS.title]: path.basename(signatureFile) },
          },
        ],
        subject,
      },
      tag,
    );
    report.signature = { reference: formatReference({ ...ref, tag }), digest: signed.digest };
    report.uploaded.push(...signed.uploaded.filter((d) => !report.uploaded.includes(d)));
  }
  return report;
}

/** What {@link pullImage} did. */
export interface PullImageReport {
  reference: string;
  digest: string;
  output: string;
  /** The image's sha256, as the manifest names it and as its bytes hashed. */
  imageDigest: string;
  size: number;
  /** `output.minisig`, when the registry holds a signature. */
  signatureFile?: string;
  /** The signer's key id when `publicKey` verified it. */
  verifiedBy?: string;
}

/**
 * Pulls an image artifact into `output` (and its signature into `output.minisig` when there is
 * one), verified bit for bit against the digests while streaming; with `publicKey`, the minisign
 * signature must be there and verify, else nothing is written (SIGNATURE_MISSING, SIGNATURE_INVALID, exit 1).
 */
export async function pullImage(
  options: RemoteOptions & { source: string; output: string; publicKey?: string },
  context: CommandContext,
): Promise<PullImageReport> {
  const ref = parsePullSource(options.source, options.insecure);
  const output = path.resolve(context.cwd, options.output);
  const client = openClient(ref, { env: context.env, insecure: options.insecure });
  const fetched = await client.getManifest(ref.repository, ref.digest ?? (ref.tag as string));
  const { manifest } = fetched;
  if (manifest.artifactType !== ARTIFACT_TYPES.image || manifest.layers.length !== 1) {
    throw new InputError(
      'REGISTRY_NOT_AN_IMAGE',
      `${formatReference(ref)}: artifactType: expected ${ARTIFACT_TYPES.image} with one layer, got ${JSON.stringify(manifest.artifactType ?? null)} with ${manifest.layers.length}`,
      { reference: formatReference(ref), artifactType: manifest.artifactType },
    );
  }
  const layer = manifest.layers[0] as Descriptor;
  const name = safeTitle(layer.annotations?.[ANNOTATIONS.title], path.basename(output));
  let signatureLayer: Descriptor | undefined;
  try {
    const sig = await client.getManifest(ref.repository, signatureTag(fetched.digest));
    if (sig.manifest.artifactType === ARTIFACT_TYPES.signature && sig.manifest.layers.length === 1)
      signatureLayer = sig.manifest.layers[0];
  } catch (error) {
    if (!(error instanceof RegistryError && error.code === 'OCI_NOT_FOUND')) throw error;
  }
  if (options.publicKey !== undefined && signatureLayer === undefined) {
    throw new CheckError(
      'SIGNATURE_MISSING',
      `${formatReference(ref)}: signature: expected tag ${signatureTag(fetched.digest)}, found none`,
      {
        reference: formatReference(ref),
        tag: signatureTag(fetched.digest),
      },
    );
  }
  const signatureFile = `${output}${SIGNATURE_SUFFIX}`;
  const imageOut = await downloadBlob(client.session, ref.repository, {
    descriptor: layer,
    path: output,
    name,
    mode: 0o644,
  });
  let sigOut: Awaited<ReturnType<typeof downloadBlob>> | undefined;
  try {
    if (signatureLayer) {
      sigOut = await downloadBlob(client.session, ref.repository, {
        descriptor: signatureLayer,
        path: signatureFile,
        name: `${name}${SIGNATURE_SUFFIX}`,
        mode: 0o644,
      });
    }
    const report: PullImageReport = {
      reference: formatReference(ref),
      digest: fetched.digest,
      output,
      imageDigest: layer.digest,
      size: layer.size,
    };
    if (options.publicKey !== undefined && sigOut !== undefined) {
      // Verify the temporary files: a bad signature leaves no image behind.
      const info = await verifySignature(imageOut.tempPath, path.resolve(context.cwd, options.publicKey), {
        signature: sigOut.tempPath,
      }).catch((error: unknown) => {
        throw renamed(error, [
          [imageOut.tempPath, output],
          [sigOut?.tempPath ?? '', signatureFile],
        ]);
      });
      report.verifiedBy = info.keyId;
    }
    await imageOut.commit();
    if (sigOut !== undefined) {
      await sigOut.commit();
      report.signatureFile = signatureFile;
    }
    return report;
  } catch (error) {
    await imageOut.abort();
    await sigOut?.abort();
    throw error;
  }
}

/** The error, its message and data speaking of the final names instead of the temporary files. */
function renamed(error: unknown, names: [string, string][]): unknown {
  if (!(error instanceof ToolError)) return error;
  const swap = (text: string) =>
    names.reduce((t, [from, to]) => (from === '' ? t : t.split(from).join(to)), text);
  const data = JSON.parse(swap(JSON.stringify(error.data))) as Record<string, unknown>;
  return new ToolError(error.code, swap(error.message), data, error.exitCode);
}
