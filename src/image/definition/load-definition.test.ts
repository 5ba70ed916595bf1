import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveComponents } from '../resolve-components.js';
import { loadImageDefinition } from './load-definition.js';
import { mergeImageOptions } from './merge-options.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rock-image-def-'));
  mkdirSync(join(dir, 'images'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => writeFileSync(join(dir, name), text);

describe('loadImageDefinition', () => {
  it('resolves every relative path against the definition file’s directory', () => {
    write(
      'images/edge.yaml',
      [
        'components_dir: ../build',
        'components: { agent: agents/volcano-agent }',
        'config_key: keys/CONFIG_KEY',
        'node_config: node.yaml',
        'configs: [{ file: node.yaml.enc, path: /etc/rock/node.yaml.enc }]',
        'rootfs: [overlay]',
        'compress: zstd',
        'level: 3',
        'threads: 2',
        'deps: false',
        'mac: a4:58:0f:01:00:10',
        'output: /abs/rock.img',
        '',
      ].join('\n'),
    );
    const loaded = loadImageDefinition('images/edge.yaml', dir);
    const d = join(dir, 'images');
    expect(loaded).toEqual({
      file: 'images/edge.yaml',
      options: {
        components: { agent: join(d, 'agents/volcano-agent') },
        componentsDir: join(dir, 'build'),
        configKey: join(d, 'keys/CONFIG_KEY'),
        nodeConfig: join(d, 'node.yaml'),
        configs: [`${join(d, 'node.yaml.enc')}:/etc/rock/node.yaml.enc`],
        rootfs: [join(d, 'overlay')],
        compress: 'zstd',
        level: 3,
        threads: 2,
        noDeps: true,
        mac: 'a4:58:0f:01:00:10',
        output: '/abs/rock.img',
      },
    });
  });

  it('takes lz4 from the codec table and refuses a level or thread count that is not whole', () => {
    write('lz4.yaml', 'compress: lz4\n');
    expect(loadImageDefinition('lz4.yaml', dir)?.options.compress).toBe('lz4');
    write('bad.yaml', 'compress: bzip2\nlevel: 2.5\nthreads: -1\n');
    expect(() => loadImageDefinition('bad.yaml', dir)).toThrow(/compress.*one of gzip, zstd, xz, lz4, none/s);
    expect(() => loadImageDefinition('bad.yaml', dir)).toThrow(/level.*a whole number/s);
    expect(() => loadImageDefinition('bad.yaml', dir)).toThrow(/threads.*a whole number/s);
  });

  it('uses rock-image.yaml in the working directory only when it exists', () => {
    expect(loadImageDefinition(undefined, dir)).toBeUndefined();
    write('rock-image.yaml', 'output: x.img\n');
    expect(loadImageDefinition(undefined, dir)?.options.output).toBe(join(dir, 'x.img'));
  });

  it('refuses unknown keys and bad values, every one with line and column, in one message', () => {
    write(
      'rock-image.yaml',
      [
        'compres: xz',
        'components:',
        '  init: a',
        '  agnet: b',
        'configs: [{ file: a, path: /tmp/x }]',
        '',
      ].join('\n'),
    );
    expect(() => loadImageDefinition(undefined, dir)).toThrow(
      "rock-image.yaml:1:1: compres: unknown key 'compres' (expected one of components_dir, components, config_key, node_config, configs, rootfs, kernel, modules, compress, level, threads, sign, deps, mac, output); " +
        "rock-image.yaml:4:3: components.agnet: unknown key 'agnet' (expected one of init, manager, agent, busybox); " +
        "rock-image.yaml:5:28: configs[0].path: expected a path under /config/ or /etc/rock/, got '/tmp/x'",
    );
  });

  it('names a missing --file in words', () => {
    expect(() => loadImageDefinition('nope.yaml', dir)).toThrow(
      'nope.yaml: cannot read the image definition: no such file or directory',
    );
  });
});

describe('mergeImageOptions', () => {
  it('lets each flag override its field, component by component, and defaults the output', () => {
    const merged = mergeImageOptions(
      {
        components: { init: '/f/init', agent: '/f/agent' },
        compress: 'zstd',
        rootfs: ['/f/overlay'],
        output: '/f/out.img',
      },
      {
        components: { init: undefined, agent: '/cli/agent' },
        rootfs: [],
        compress: undefined,
        output: undefined,
      },
    );
    expect(merged).toEqual({
      components: { init: '/f/init', agent: '/cli/agent' },
      compress: 'zstd',
      rootfs: ['/f/overlay'],
      output: '/f/out.img',
    });
    expect(mergeImageOptions(undefined, { components: {} }).output).toBeUndefined();
    expect(mergeImageOptions({ rootfs: ['/a'] }, { components: {}, rootfs: ['/b'] }).rootfs).toEqual(['/b']);
  });
});

describe('resolveComponents', () => {
  it('takes each file from the components directory unless given, and names a missing one by field', () => {
    mkdirSync(join(dir, 'build'));
    for (const f of ['rock-init', 'rock-manager', 'volcano-agent', 'busybox']) write(`build/${f}`, f);
    expect(resolveComponents({ busybox: '/bin/busybox' }, 'build', dir)).toEqual({
      init: join(dir, 'build/rock-init'),
      manager: join(dir, 'build/rock-manager'),
      agent: join(dir, 'build/volcano-agent'),
      busybox: '/bin/busybox',
    });
    expect(() => resolveComponents({ init: 'a', manager: 'b', busybox: 'c' }, undefined, dir)).toThrow(
      'components.agent: expected the volcano-agent binary (components.agent, or componentsDir holding volcano-agent), got none',
    );
    rmSync(join(dir, 'build/rock-manager'));
    expect(() => resolveComponents({}, 'build', dir)).toThrow(
      'componentsDir: expected rock-manager in build, found no such file',
    );
  });
});
