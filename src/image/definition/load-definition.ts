/**
 * Reads an image definition and turns it into {@link CreateImageOptions} fields, every relative path
 * resolved against the definition file's own directory (so a pipeline can run rock-image from
 * anywhere). Without `--file`, `rock-image.yaml` in the working directory is used when it exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fsError } from '../../util/fs-errors.js';
import { validateYaml, YamlInvalidError } from '../../yaml/index.js';
import type { CreateImageOptions } from '../create-image.js';
import { IMAGE_DEFINITION_FILE } from './file-name.js';
import { imageDefinitionSchema } from './schema.js';

export { IMAGE_DEFINITION_FILE };

/** The fields of {@link CreateImageOptions} an image definition can set. */
export type ImageDefinitionOptions = Partial<
  Omit<CreateImageOptions, 'cwd' | 'home' | 'onProgress' | 'sourceDateEpoch'>
>;

/**
 * Loads `file` (relative to `cwd`), or `rock-image.yaml` in `cwd` when `file` is undefined and it
 * exists. Returns undefined when there is no definition. Throws YamlInvalidError
 * (IMAGE_DEFINITION_INVALID, exit 2) listing every problem as FILE:LINE:COL.
 */
export function loadImageDefinition(
  file: string | undefined,
  cwd: string,
): { file: string; options: ImageDefinitionOptions } | undefined {
  const source = file ?? IMAGE_DEFINITION_FILE;
  const path = resolve(cwd, source);
  if (file === undefined && !existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fsError(err, source, 'cannot read the image definition', 'IMAGE_DEFINITION_UNREADABLE');
  }
  const result = validateYaml(text, imageDefinitionSchema);
  if (!result.ok) throw new YamlInvalidError('IMAGE_DEFINITION_INVALID', source, result.issues, true);
  const d = result.value;
  const dir = dirname(path);
  const at = (p: string) => resolve(dir, p);
  const opt = <T>(value: T | undefined, map: (v: T) => unknown) =>
    value === undefined ? undefined : map(value);
  const options = {
    components: Object.fromEntries(Object.entries(d.components ?? {}).map(([k, v]) => [k, at(v)])),
    componentsDir: opt(d.components_dir, at),
    configKey: opt(d.config_key, at),
    nodeConfig: opt(d.node_config, at),
    configs: opt(d.configs, (list) => list.map((c) => `${at(c.file)}:${c.path}`)),
    rootfs: opt(d.rootfs, (list) => list.map(at)),
    kernel: d.kernel,
    modules: d.modules,
    compress: d.compress,
    level: d.level,
    threads: d.threads,
    sign: opt(d.sign, at),
    noDeps: opt(d.deps, (deps) => !deps),
    mac: d.mac,
    output: opt(d.output, at),
  };
  return { file: source, options: dropUndefined(options) as ImageDefinitionOptions };
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
