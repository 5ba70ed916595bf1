export { type BlobTarget, downloadBlob, downloadBlobs } from './blob-download.js';
export { type BlobSource, digestFile } from './blob-source.js';
export type { UploadOptions } from './blob-upload.js';
export { type Challenge, parseChallenge } from './challenge.js';
export {
  type ClientOptions,
  type FetchedManifest,
  type LayerFile,
  OciClient,
  openClient,
  type PushResult,
} from './client.js';
export {
  type Credentials,
  dockerConfigPath,
  readCredentials,
  removeCredentials,
  storeCredentials,
} from './docker-config.js';
export { OCI_ERROR_CODES, type OciErrorCode } from './error-codes.js';
export { RegistryError, type RegistryErrorEntry } from './errors.js';
export { checkLogin } from './login.js';
export {
  buildManifest,
  type Descriptor,
  digestBytes,
  EMPTY_CONFIG,
  type ImageManifest,
  MANIFEST_ACCEPT,
  type ManifestSpec,
  MEDIA_TYPES,
  parseManifest,
  signatureTag,
} from './manifest.js';
export {
  formatReference,
  isLoopback,
  parseReference,
  type Reference,
  type ReferenceOptions,
} from './reference.js';
export type { RetryOptions } from './retry.js';
export { RegistrySession, type SessionOptions } from './session.js';
