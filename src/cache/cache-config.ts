import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../errors/index.js';
import { fsError } from '../util/fs-errors.js';

/** `$ROCK_HOME/cache.yaml`: settings a user keeps instead of repeating flags. */
export interface CacheConfig {
  /** `oci://HOST[:PORT]/REPO`: the registry behind the local cache. */
  remote?: string;
  /** Remote failures are errors instead of warnings. */
  remoteRequired?: boolean;
  /** Plain http to a remote that is not loopback. */
  insecure?: boolean;
}

const FIELDS: Readonly<Record<keyof CacheConfig, 'string' | 'boolean'>> = {
  remote: 'string',
  remoteRequired: 'boolean',
  insecure: 'boolean',
};

/** The config file's path under `home` (`$ROCK_HOME`). */
export function cacheConfigPath(home: string): string {
  return path.join(home, 'cache.yaml');
}

/**
 * Reads `cache.yaml`; an absent file is an empty config. Unknown keys and wrong types are errors
 * naming the file and the key (a misspelt `remtoe:` must not silently mean "no remote").
 */
export function readCacheConfig(file: string): CacheConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw fsError(err, file, 'cannot read');
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new InputError(
      'CACHE_BAD_CONFIG',
      `${file}: expected YAML: ${(err as Error).message.split('\n')[0]}`,
      {
        file,
      },
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new InputError('CACHE_BAD_CONFIG', `${file}: expected a mapping of settings`, { file });
  const config: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const type = FIELDS[key as keyof CacheConfig];
    if (type === undefined)
      throw new InputError(
        'CACHE_BAD_CONFIG',
        `${file}: ${key}: unknown setting (expected one of ${Object.keys(FIELDS).join(', ')})`,
        {
          file,
          field: key,
        },
      );
    if (typeof v !== type)
      throw new InputError(
        'CACHE_BAD_CONFIG',
        `${file}: ${key}: expected a ${type}, got ${JSON.stringify(v)}`,
        {
          file,
          field: key,
        },
      );
    config[key] = v;
  }
  return config as CacheConfig;
}
