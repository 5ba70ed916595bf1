/**
 * Library messages speak of fields (`modules: expected kernel too`) and carry them in `data.field`
 * (and `data.fields` when a message names several); the CLI says the same with its flags
 * (`--modules: expected --kernel too`). One table per tool maps its fields to its flags; runCli
 * applies it to every error it prints.
 */
export type FlagNames = Readonly<Record<string, string>>;

/** Fields of the kernel library as rock-kernel (and rock-image) spell them. */
const KERNEL_FLAGS: FlagNames = {
  append: '--append',
  config: '--config',
  force: '--force',
  kernel: '--kernel',
  mac: '--mac',
  modules: '--modules',
  name: '--name',
  sha256: '--sha256',
};

export const FLAG_NAMES: Readonly<Record<string, FlagNames>> = {
  'rock-image': {
    configKey: '--config-key',
    configs: '--config',
    kernel: '--kernel',
    mac: '--mac',
    modules: '--modules',
    noDeps: '--no-deps',
    nodeConfig: '--node-config',
    output: '--output',
  },
  'rock-kernel': KERNEL_FLAGS,
  'rock-mac': {
    mac: '--mac',
    pool: '--pool',
    deviceId: '--device',
    deviceType: '--type',
    metadata: '--metadata',
    status: '--status',
    schema: '--db',
    force: '--force',
    target: '<mac-or-device>',
  },
  'rock-deps': { root: '--root' },
  'rock-security': { force: '--force', key: '--key', output: '--output' },
  'rock-config': { force: '--force', key: '--key', mac: '--mac', output: '--output' },
  'rock-verify': { cmdline: '--cmdline', publicKey: '--pub' },
};

/**
 * The message with each field named in `data.field` / `data.fields` written as the tool's flag: the
 * first whole-word occurrence of each (not part of a path, option or dotted name), so prose using
 * the same word later (`modules belong to one kernel`) stays as it is.
 */
export function renderFlags(
  message: string,
  data: Readonly<Record<string, unknown>>,
  flags: FlagNames,
): string {
  const named = [data.field, ...(Array.isArray(data.fields) ? data.fields : [])];
  let out = message;
  for (const field of new Set(named)) {
    if (typeof field !== 'string') continue;
    const flag = flags[field];
    if (flag === undefined) continue;
    out = out.replace(new RegExp(`(?<![\\w./-])${field}(?![\\w/-])`), flag);
  }
  return out;
}
