export { backupFile, backupStamp } from './backup.js';
export { checkKeys, formatKeyReport, type KeyCheckReport } from './check.js';
export {
  type CheckCommandOptions,
  CONFIG_KEY_NAME,
  type CryptCommandOptions,
  type HashCommandOptions,
  type KeygenCommandOptions,
  type RotateCommandOptions,
  type SecurityCommands,
  SIGNING_KEY_NAME,
  type SignCommandOptions,
  type SigningKeygenCommandOptions,
  securityCommands,
  type VerifyCommandOptions,
} from './commands.js';
export {
  decryptChunks,
  ENVELOPE_MAGIC,
  ENVELOPE_VERSION,
  encryptChunks,
  HEADER_BYTES,
  isEnvelope,
  MIN_ENVELOPE_BYTES,
  NONCE_BYTES,
  openBytes,
  parseHeader,
  sealBytes,
  TAG_BYTES,
} from './envelope.js';
export { type CryptFileOptions, type CryptFileResult, decryptFile, encryptFile } from './envelope-file.js';
export { type FileDigest, formatDigest, HASH_ALGORITHMS, type HashAlgorithm, hashFile } from './hash.js';
export {
  CONFIG_KEY_BYTES,
  CONFIG_KEY_TEXT_LENGTH,
  type ConfigKey,
  formatKey,
  generateKeyBytes,
  isExposed,
  parseKey,
  readConfigKey,
} from './key-file.js';
export {
  classify,
  type FindingLevel,
  type InspectOptions,
  inspectKeyFile,
  isConfigKeyName,
  type KeyFileFacts,
  type KeyFinding,
  type KeyKind,
} from './key-inspect.js';
export {
  type ConfigKeyResult,
  createConfigKey,
  createSigningKeyPair,
  type KeygenOptions,
  type SigningKeyResult,
} from './keygen.js';
export {
  formatPublicKey,
  formatSecretKey,
  formatSignature,
  generateSigningKey,
  keyIdHex,
  type MinisignSignature,
  type PublicKey,
  parsePublicKey,
  parseSecretKey,
  parseSignature,
  type SignatureAlgorithm,
  type SigningKey,
} from './minisign.js';
export {
  findEnvelopes,
  type RotateHooks,
  type RotateOptions,
  type RotateResult,
  rotateKey,
} from './rotate.js';
export {
  SIGNATURE_SUFFIX,
  type SignatureInfo,
  type SignOptions,
  signFile,
  type VerifyOptions,
  verifySignature,
} from './sign.js';
