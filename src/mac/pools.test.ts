import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../errors/index.js';
import { formatMac } from '../net/index.js';
import { DEFAULT_POOLS, findPool, loadPoolConfig, parsePoolConfig, resolveConfigPath } from './pools.js';

const REPO_CONFIG = path.join(import.meta.dirname, '..', '..', 'configs', 'mac-dispenser.yaml');

function refusal(text: string): { code: string; message: string } {
  try {
    parsePoolConfig(text, 'pools.yaml');
  } catch (err) {
    if (err instanceof ToolError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

const pool = (name: string, start: string, end: string, days = '1') =>
  `  ${name}:\n    start: ${start}\n    end: ${end}\n    auto_release_days: ${days}\n`;

describe('pools', () => {
  it('has the design defaults', () => {
    const byName = Object.fromEntries(DEFAULT_POOLS.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual([
      'production',
      'development',
      'experiment',
      'vultr',
      'docker',
      'kubernetes',
      'reserved',
    ]);
    expect(formatMac(byName.production!.start)).toBe('a4:58:0f:00:00:01');
    expect(formatMac(byName.production!.end)).toBe('a4:58:0f:00:ff:ff');
    expect(byName.production!.autoReleaseDays).toBeNull();
    expect(byName.development!.autoReleaseDays).toBe(7);
    expect(byName.vultr!.autoReleaseDays).toBe(30);
    expect(formatMac(byName.kubernetes!.end)).toBe('a4:58:0f:05:ff:ff');
    expect(formatMac(byName.reserved!.start)).toBe('a4:58:0f:ff:00:00');
    expect(byName.reserved!.autoReleaseDays).toBeNull();
  });

  it('ships configs/mac-dispenser.yaml equal to the built-in defaults', () => {
    const loaded = loadPoolConfig(REPO_CONFIG);
    expect(loaded.pools).toEqual(DEFAULT_POOLS);
    expect(loaded.source).toBe(REPO_CONFIG);
  });

  it('reads a custom pool file', () => {
    const c = parsePoolConfig(
      `version: 1\npools:\n${pool('Tiny', 'a4:58:0f:10:00:00', 'a4:58:0f:10:00:0f', 'never')}`,
      'x',
    );
    expect(c.pools).toEqual([
      { name: 'Tiny', start: 0xa4580f100000, end: 0xa4580f10000f, autoReleaseDays: null, description: '' },
    ]);
    expect(findPool(c, 'Tiny').name).toBe('Tiny');
    expect(() => findPool(c, 'tiny')).toThrow("pool: unknown pool 'tiny' (configured: Tiny)");
  });

  it('refuses a range outside the OUI with line:column', () => {
    const r = refusal(`version: 1\npools:\n${pool('a', '52:54:00:00:00:00', 'a4:58:0f:10:00:0f')}`);
    expect(r.code).toBe('CONFIG_BAD_RANGE');
    expect(r.message).toBe(
      'pools.yaml:4:12: pools.a.start: expected an address under the ROCK-OS OUI a4:58:0f, got 52:54:00:00:00:00',
    );
  });

  it('refuses overlapping pools with line:column of the later one', () => {
    const r = refusal(
      `version: 1\npools:\n${pool('a', 'a4:58:0f:10:00:00', 'a4:58:0f:10:00:0f')}${pool('b', 'a4:58:0f:10:00:0f', 'a4:58:0f:10:00:ff')}`,
    );
    expect(r.code).toBe('CONFIG_POOL_OVERLAP');
    expect(r.message).toBe(
      "pools.yaml:8:12: pools.b: overlaps pool 'a' (a4:58:0f:10:00:00-a4:58:0f:10:00:0f) at a4:58:0f:10:00:0f",
    );
  });

  it('refuses start > end, a malformed MAC, a wrong type, an unknown key, bad YAML', () => {
    expect(refusal(`version: 1\npools:\n${pool('a', 'a4:58:0f:10:00:0f', 'a4:58:0f:10:00:00')}`)).toEqual({
      code: 'CONFIG_BAD_RANGE',
      message: 'pools.yaml:5:10: pools.a: expected start <= end, got a4:58:0f:10:00:0f > a4:58:0f:10:00:00',
    });
    expect(refusal(`version: 1\npools:\n${pool('a', 'a4:58:0f:10:00', 'a4:58:0f:10:00:00')}`)).toEqual({
      code: 'MAC_MALFORMED',
      message:
        'pools.yaml:4:12: pools.a.start: expected a MAC address like a4:58:0f:00:00:01, got "a4:58:0f:10:00"',
    });
    const days = refusal(
      `version: 1\npools:\n${pool('a', 'a4:58:0f:10:00:00', 'a4:58:0f:10:00:01', 'soon')}`,
    );
    expect(days.code).toBe('CONFIG_INVALID');
    expect(days.message).toMatch(/^pools\.yaml:6:24: pools\.a\.auto_release_days: /);
    const extra = refusal(
      `version: 1\npools:\n${pool('a', 'a4:58:0f:10:00:00', 'a4:58:0f:10:00:01')}    colour: red\n`,
    );
    expect(extra.code).toBe('CONFIG_INVALID');
    expect(extra.message).toMatch(/^pools\.yaml:4:5: pools\.a: .*colour/);
    expect(refusal('version: 2\npools: {}\n').message).toMatch(/^pools\.yaml:1:10: version: /);
    const yaml = refusal('version: 1\npools: [\n');
    expect(yaml.code).toBe('CONFIG_INVALID');
    expect(yaml.message).toMatch(/^pools\.yaml:\d+:\d+: /);
  });

  it('refuses a missing file', () => {
    expect(() => loadPoolConfig('/nonexistent/pools.yaml')).toThrow(
      '/nonexistent/pools.yaml: cannot read the pool configuration: no such file or directory',
    );
  });

  it('resolves the pool file: flag, then $ROCK_MAC_CONFIG, then ./configs, then built-in', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
    try {
      expect(resolveConfigPath(undefined, {}, dir)).toBeUndefined();
      fs.mkdirSync(path.join(dir, 'configs'));
      fs.writeFileSync(path.join(dir, 'configs', 'mac-dispenser.yaml'), 'version: 1\npools: {}\n');
      expect(resolveConfigPath(undefined, {}, dir)).toBe(path.join(dir, 'configs', 'mac-dispenser.yaml'));
      expect(resolveConfigPath(undefined, { ROCK_MAC_CONFIG: 'env.yaml' }, dir)).toBe(
        path.join(dir, 'env.yaml'),
      );
      expect(resolveConfigPath('/x/flag.yaml', { ROCK_MAC_CONFIG: 'env.yaml' }, dir)).toBe('/x/flag.yaml');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
